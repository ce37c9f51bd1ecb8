using Faultline.Core.Documents;

namespace Faultline.Sources.Judge;

/// <summary>
/// What the CSV readers share: the header (the first non-blank line), the data rows split with their line
/// numbers, and error reporting as file:line that stops listing after 50 errors but keeps counting, so one run
/// shows many problems without flooding the terminal.
/// </summary>
internal sealed class CsvLines(string text, string file, List<InputDiagnostic> diagnostics)
{
    private const int MaxErrors = 50;
    private readonly string[] _lines = text.Split('\n');
    private int _headerIndex = -1;

    public int Errors { get; private set; }

    /// <summary>The header's line number (1-based), or the first line when there is none.</summary>
    public int HeaderLine => _headerIndex + 1 is > 0 and var line ? line : 1;

    public void Error(int line, string message)
    {
        Errors++;
        if (Errors <= MaxErrors)
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(file, line), message));
        }
    }

    /// <summary>The header's column names, trimmed; null (with the error given) for an empty file or a bad header line.</summary>
    public List<string>? Header(string whenEmpty)
    {
        _headerIndex = Array.FindIndex(_lines, l => l.Trim().Length > 0);
        if (_headerIndex < 0)
        {
            Error(1, whenEmpty);
            return null;
        }
        var header = RequestCsv.Split(_lines[_headerIndex].TrimEnd('\r'), out var problem).Select(h => h.Trim()).ToList();
        if (problem is not null)
        {
            Error(HeaderLine, problem);
            return null;
        }
        return header;
    }

    /// <summary>The non-blank lines after the header, split; a line that cannot be split or has the wrong field count is an error and skipped.</summary>
    public IEnumerable<(int Line, List<string> Fields)> Rows(int columns)
    {
        for (var i = _headerIndex + 1; i < _lines.Length; i++)
        {
            var raw = _lines[i].TrimEnd('\r');
            if (raw.Trim().Length == 0)
            {
                continue;
            }
            var fields = RequestCsv.Split(raw, out var problem);
            if (problem is not null)
            {
                Error(i + 1, problem);
                continue;
            }
            if (fields.Count != columns)
            {
                Error(i + 1, $"{fields.Count} fields, but the header has {columns}");
                continue;
            }
            yield return (i + 1, fields);
        }
    }

    /// <summary>Says how many errors were not listed; call once after reading.</summary>
    public void Finish()
    {
        if (Errors > MaxErrors)
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(file, 0), $"{Errors - MaxErrors} more errors not shown"));
        }
    }
}
