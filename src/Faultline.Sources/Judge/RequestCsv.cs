using System.Globalization;
using Faultline.Core.Documents;

namespace Faultline.Sources.Judge;

/// <summary>One data row of a request CSV, with the line it came from.</summary>
/// <param name="Others">The other columns' values, in <see cref="RequestTable.Columns"/> order; NaN where empty or not a number.</param>
public sealed record RequestRow(int Line, double LatencyMs, int Status, double? Timestamp, double[] Others);

/// <summary>A request CSV as read: the columns beyond the required ones, and the rows.</summary>
public sealed record RequestTable(string File, IReadOnlyList<string> Columns, bool HasTimestamp, IReadOnlyList<RequestRow> Rows)
{
    /// <summary>For each other column, its first value that is not a number (line and text), if any.</summary>
    public IReadOnlyDictionary<string, (int Line, string Value)> NonNumeric { get; init; } = new Dictionary<string, (int, string)>();

    public static RequestTable Empty(string file) => new(file, [], false, []);

    /// <summary>Columns with at least one number and nothing that is not one: the candidate quality metrics.</summary>
    public IEnumerable<string> NumericColumns() =>
        Columns.Where((c, i) => !NonNumeric.ContainsKey(c) && Rows.Any(r => !double.IsNaN(r.Others[i])));
}

/// <summary>
/// Reads the request CSVs that `faultline canary judge` replays: a header line, then one request per line.
/// Required columns: latency_ms and status; optional: timestamp (Unix seconds or ISO-8601); any other
/// column is kept for quality metrics. Every problem is reported with file:line; reading goes on so that one
/// run lists them all.
/// </summary>
public static class RequestCsv
{
    public const string Latency = "latency_ms";
    public const string Status = "status";
    public const string Timestamp = "timestamp";
    public static RequestTable Parse(string text, string file, List<InputDiagnostic> diagnostics)
    {
        var csv = new CsvLines(text, file, diagnostics);
        if (csv.Header($"the file is empty; expected a header line naming at least {Latency} and {Status}") is not { } header)
        {
            return RequestTable.Empty(file);
        }
        var headerLine = csv.HeaderLine;
        foreach (var duplicate in header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            csv.Error(headerLine, $"column '{duplicate.Key}' appears more than once in the header");
        }
        var latency = header.IndexOf(Latency);
        var status = header.IndexOf(Status);
        var timestamp = header.IndexOf(Timestamp);
        foreach (var (name, index) in new[] { (Latency, latency), (Status, status) })
        {
            if (index < 0)
            {
                csv.Error(headerLine, $"missing column '{name}' (the header has: {string.Join(", ", header)})");
            }
        }
        if (csv.Errors > 0)
        {
            return RequestTable.Empty(file);
        }
        var others = header.Select((name, index) => (name, index)).Where(c => c.index != latency && c.index != status && c.index != timestamp).ToList();
        var nonNumeric = new Dictionary<string, (int, string)>();
        var rows = new List<RequestRow>();
        foreach (var (line, fields) in csv.Rows(header.Count))
        {
            var ok = true;
            var latencyText = fields[latency].Trim();
            if (!double.TryParse(latencyText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) || !double.IsFinite(ms) || ms < 0)
            {
                csv.Error(line, $"{Latency} '{latencyText}' is not a non-negative number");
                ok = false;
            }
            var statusText = fields[status].Trim();
            if (!int.TryParse(statusText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) || code < 0 || code > 999)
            {
                csv.Error(line, $"{Status} '{statusText}' is not an HTTP status code (0 for no response)");
                ok = false;
            }
            double? time = null;
            if (timestamp >= 0)
            {
                var timeText = fields[timestamp].Trim();
                if (ParseTimestamp(timeText) is { } t)
                {
                    time = t;
                }
                else
                {
                    csv.Error(line, $"{Timestamp} '{timeText}' is neither Unix seconds nor an ISO-8601 date and time");
                    ok = false;
                }
            }
            var values = new double[others.Count];
            for (var c = 0; c < others.Count; c++)
            {
                var valueText = fields[others[c].index].Trim();
                if (valueText.Length == 0)
                {
                    values[c] = double.NaN;
                }
                else if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                {
                    values[c] = v;
                }
                else
                {
                    values[c] = double.NaN;
                    nonNumeric.TryAdd(others[c].name, (line, valueText));
                }
            }
            if (ok)
            {
                rows.Add(new RequestRow(line, ms, code, time, values));
            }
        }
        csv.Finish();
        return new RequestTable(file, others.Select(o => o.name).ToList(), timestamp >= 0, rows) { NonNumeric = nonNumeric };
    }

    /// <summary>Unix seconds (fractions allowed) or ISO-8601; a date and time without an offset is taken as UTC.</summary>
    public static double? ParseTimestamp(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            return seconds;
        }
        if (text.Length >= 10 && text[4] == '-' &&
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var date))
        {
            return date.ToUnixTimeMilliseconds() / 1000.0;
        }
        return null;
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting, no line breaks inside quotes).</summary>
    internal static List<string> Split(string line, out string? problem)
    {
        problem = null;
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        var i = 0;
        while (i < line.Length)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"' && field.ToString().Trim().Length == 0)
            {
                field.Clear();
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
            i++;
        }
        if (quoted)
        {
            problem = "a quoted field is not closed on this line";
        }
        fields.Add(field.ToString());
        return fields;
    }
}
