using System.Globalization;
using System.Text;
using Faultline.Core.Documents;

namespace Faultline.Sources.Yaml;

/// <summary>
/// A parser for the YAML that Kubernetes manifests are written in: block mappings and sequences, plain and quoted
/// scalars on one line, literal and folded block scalars, comments, and flow collections (so JSON too). It is
/// several times faster than a general parser and allocates little. Anything outside that subset (anchors, tags,
/// multi-line plain or quoted scalars, complex keys, directives) and any syntax error throws
/// <see cref="NotInSubsetException"/>, and the caller parses that document with the general parser instead, which
/// also produces the error message. Both must build the same tree; a differential test holds them to it.
/// </summary>
internal sealed class FastYamlParser
{
    private const int MaxCachedLength = 40;

    [ThreadStatic]
    private static Dictionary<string, string>? t_strings;

    private readonly string _s;
    private readonly int _end;
    private readonly int _lineOffset;
    private readonly int _maxDepth;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _cache;
    private int _pos;
    private int _line;
    private int _lineStart;

    private FastYamlParser(string text, int start, int end, int firstLine, int maxDepth)
    {
        _s = text;
        _pos = start;
        _lineStart = start;
        _end = end;
        _line = 1;
        _lineOffset = firstLine - 1;
        _maxDepth = maxDepth;
        t_strings ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (t_strings.Count > 100_000)
        {
            t_strings.Clear();
        }
        _cache = t_strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    internal sealed class NotInSubsetException(string reason) : Exception(reason);

    /// <summary>Parses one document (the text between two "---" lines); null when it holds no node.</summary>
    public static Node? ParseDocument(string text, int start, int end, int firstLine, int maxDepth)
    {
        var parser = new FastYamlParser(text, start, end, firstLine, maxDepth);
        return parser.Document();
    }

    private static NotInSubsetException Unsupported(string reason) => new(reason);

    private Node? Document()
    {
        SkipBlankLines();
        if (_pos < _end && StartsWith("---"))
        {
            _pos += 3;
            RestOfLineMustBeEmpty();
            SkipBlankLines();
        }
        if (_pos >= _end)
        {
            return null;
        }
        if (_s[_pos] == '%')
        {
            throw Unsupported("directive");
        }
        var indent = Indent();
        var node = Block(indent, 0);
        SkipBlankLines();
        if (_pos < _end)
        {
            throw Unsupported("content after the document's root node");
        }
        return node;
    }

    // ---------------------------------------------------------------- lines

    private bool StartsWith(string token) => string.CompareOrdinal(_s, _pos, token, 0, token.Length) == 0 && _pos + token.Length <= _end;

    private int LineNumber => _lineOffset + _line;

    /// <summary>Spaces at the start of the line at _pos; a tab there is outside the subset.</summary>
    private int Indent()
    {
        var i = _pos;
        while (i < _end && _s[i] == ' ')
        {
            i++;
        }
        if (i < _end && _s[i] == '\t')
        {
            throw Unsupported("tab in indentation");
        }
        return i - _pos;
    }

    /// <summary>Moves past blank and comment-only lines; _pos ends at the start of a content line or at the end.</summary>
    private void SkipBlankLines()
    {
        while (_pos < _end)
        {
            var i = _pos;
            while (i < _end && (_s[i] == ' ' || _s[i] == '\t'))
            {
                i++;
            }
            if (i < _end && _s[i] != '\n' && _s[i] != '\r' && _s[i] != '#')
            {
                return;
            }
            NextLine();
        }
    }

    private void NextLine()
    {
        var nl = _s.IndexOf('\n', _pos, _end - _pos);
        if (nl < 0)
        {
            _pos = _end;
            return;
        }
        _pos = nl + 1;
        _lineStart = _pos;
        _line++;
    }

    /// <summary>From _pos to the end of the line there may be only spaces and a comment; then moves to the next line.</summary>
    private void RestOfLineMustBeEmpty()
    {
        var i = _pos;
        while (i < _end && (_s[i] == ' ' || _s[i] == '\t'))
        {
            i++;
        }
        if (i < _end && _s[i] != '\n' && _s[i] != '\r' && !(_s[i] == '#' && (i == _pos ? i == 0 || char.IsWhiteSpace(_s[i - 1]) : true)))
        {
            throw Unsupported("unexpected text after a value");
        }
        _pos = i;
        NextLine();
    }

    /// <summary>Indent of the next content line, or -1 at the end. Leaves _pos at that line's start.</summary>
    private int NextContentIndent()
    {
        SkipBlankLines();
        return _pos >= _end ? -1 : Indent();
    }

    // ---------------------------------------------------------------- block structure

    /// <summary>A node whose first line is at _pos (line start) with the given indent.</summary>
    private Node Block(int indent, int depth)
    {
        if (depth > _maxDepth)
        {
            throw Unsupported("nesting");
        }
        var at = _pos + indent;
        var c = _s[at];
        if (c == '-' && IsDashItem(at))
        {
            return Sequence(indent, depth);
        }
        if (c is '{' or '[')
        {
            _pos = at;
            var flow = Flow(depth);
            RestOfLineMustBeEmpty();
            return flow;
        }
        _pos = at;
        return Mapping(indent, depth);
    }

    private bool IsDashItem(int at) => at + 1 >= _end || _s[at + 1] is ' ' or '\n' or '\r';

    /// <summary>A block mapping whose first key starts at _pos, in column <paramref name="indent"/>.</summary>
    private MapNode Mapping(int indent, int depth)
    {
        var entries = new List<KeyValuePair<string, Node>>();
        var mapLine = LineNumber;
        while (true)
        {
            var key = Key();
            // _pos is just after the ':'.
            var value = MappingValue(indent, depth);
            entries.Add(new(key, value));
            var next = NextContentIndent();
            if (next < indent)
            {
                break;
            }
            if (next > indent)
            {
                throw Unsupported("unexpected indentation");
            }
            if (_s[_pos + next] == '-' && IsDashItem(_pos + next))
            {
                break; // a sequence at the mapping's indent belongs to the parent
            }
            _pos += next;
        }
        return new MapNode(mapLine, entries);
    }

    private string Key()
    {
        var c = _s[_pos];
        string key;
        if (c is '"' or '\'')
        {
            key = c == '"' ? DoubleQuoted() : SingleQuoted();
            if (_pos >= _end || _s[_pos] != ':')
            {
                throw Unsupported("quoted key without ':'");
            }
            _pos++;
            return key;
        }
        if (c is '?' or '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`' or '{' or '[' or '\'' or '"' or '#' or ',' or ']' or '}')
        {
            throw Unsupported("key starts with an indicator");
        }
        var start = _pos;
        var i = _pos;
        while (true)
        {
            if (i >= _end || _s[i] == '\n' || _s[i] == '\r')
            {
                throw Unsupported("line without a key");
            }
            if (_s[i] == ':' && (i + 1 >= _end || _s[i + 1] is ' ' or '\n' or '\r' or '\t'))
            {
                break;
            }
            if (_s[i] == '#' && i > start && _s[i - 1] == ' ')
            {
                throw Unsupported("comment inside a key");
            }
            i++;
        }
        var end = i;
        while (end > start && _s[end - 1] == ' ')
        {
            end--;
        }
        if (end == start)
        {
            throw Unsupported("empty key");
        }
        key = Intern(_s.AsSpan(start, end - start));
        _pos = i + 1;
        return key;
    }

    /// <summary>The value after "key:", on the same line or on the lines below.</summary>
    private Node MappingValue(int indent, int depth)
    {
        SkipSpaces();
        if (AtLineEnd())
        {
            var valueLine = LineNumber;
            RestOfLineMustBeEmpty();
            var next = NextContentIndent();
            if (next > indent)
            {
                return Block(next, depth + 1);
            }
            if (next == indent && _s[_pos + next] == '-' && IsDashItem(_pos + next))
            {
                return Sequence(indent, depth + 1);
            }
            return new ScalarNode(valueLine, "", false);
        }
        return InlineValue(indent, depth);
    }

    /// <summary>A block sequence whose dashes are in column <paramref name="indent"/>; _pos at a line start.</summary>
    private ListNode Sequence(int indent, int depth)
    {
        var items = new List<Node>();
        var seqLine = LineNumber;
        while (true)
        {
            _pos += indent + 1; // past the dash
            SkipSpaces();
            if (AtLineEnd())
            {
                var itemLine = LineNumber;
                RestOfLineMustBeEmpty();
                var next = NextContentIndent();
                items.Add(next > indent ? Block(next, depth + 1) : new ScalarNode(itemLine, "", false));
            }
            else
            {
                var column = _pos - _lineStart;
                var c = _s[_pos];
                if (c == '-' && IsDashItem(_pos))
                {
                    throw Unsupported("nested compact sequence");
                }
                if (LooksLikeKey())
                {
                    items.Add(Mapping(column, depth + 1));
                }
                else
                {
                    items.Add(InlineValue(indent, depth + 1));
                }
            }
            var following = NextContentIndent();
            if (following != indent || !(_s[_pos + following] == '-' && IsDashItem(_pos + following)))
            {
                if (following > indent)
                {
                    throw Unsupported("unexpected indentation");
                }
                break;
            }
        }
        return new ListNode(seqLine, items);
    }

    /// <summary>True when the text at _pos is "key: ..." (a mapping inside a sequence item).</summary>
    private bool LooksLikeKey()
    {
        var c = _s[_pos];
        if (c is '{' or '[' or '|' or '>' or '&' or '*' or '!')
        {
            return false;
        }
        if (c is '"' or '\'')
        {
            var close = _s.IndexOf(c, _pos + 1);
            while (close > 0 && c == '"' && _s[close - 1] == '\\')
            {
                close = _s.IndexOf(c, close + 1);
            }
            return close > 0 && close + 1 < _end && _s[close + 1] == ':';
        }
        for (var i = _pos; i < _end && _s[i] != '\n' && _s[i] != '\r'; i++)
        {
            if (_s[i] == ':' && (i + 1 >= _end || _s[i + 1] is ' ' or '\n' or '\r' or '\t'))
            {
                return true;
            }
            if (_s[i] == '#' && _s[i - 1] == ' ')
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>A value that starts on the current line at _pos: flow, quoted, block scalar or plain.</summary>
    private Node InlineValue(int parentIndent, int depth)
    {
        var c = _s[_pos];
        var line = LineNumber;
        switch (c)
        {
            case '{' or '[':
            {
                var flow = Flow(depth + 1);
                RestOfLineMustBeEmpty();
                return flow;
            }
            case '"':
            {
                var value = DoubleQuoted();
                RestOfLineMustBeEmpty();
                return new ScalarNode(line, value, true);
            }
            case '\'':
            {
                var value = SingleQuoted();
                RestOfLineMustBeEmpty();
                return new ScalarNode(line, value, true);
            }
            case '|' or '>':
                return BlockScalar(parentIndent);
            case '&' or '*' or '!' or '@' or '`' or '%':
                throw Unsupported("anchor, alias, tag or reserved indicator");
            case '-' when IsDashItem(_pos):
                throw Unsupported("sequence entry in a value position");
            case '?' or ':' when _pos + 1 < _end && _s[_pos + 1] is ' ' or '\n' or '\r':
                throw Unsupported("complex key");
        }
        var plain = PlainToLineEnd();
        // A plain scalar may continue on more-indented lines; that form is left to the general parser.
        var save = _pos;
        var saveLine = _line;
        var next = NextContentIndent();
        if (next > parentIndent)
        {
            throw Unsupported("multi-line plain scalar");
        }
        _pos = save;
        _line = saveLine;
        _lineStart = save;
        return new ScalarNode(line, plain, false);
    }

    private string PlainToLineEnd()
    {
        var start = _pos;
        var i = _pos;
        var end = _pos;
        while (i < _end && _s[i] != '\n' && _s[i] != '\r')
        {
            var ch = _s[i];
            if (ch == '#' && i > start && (_s[i - 1] == ' ' || _s[i - 1] == '\t'))
            {
                break;
            }
            if (ch == ':' && (i + 1 >= _end || _s[i + 1] is ' ' or '\t' or '\n' or '\r'))
            {
                throw Unsupported("': ' inside a plain value");
            }
            if (ch != ' ' && ch != '\t')
            {
                end = i + 1;
            }
            i++;
        }
        var value = Intern(_s.AsSpan(start, end - start));
        _pos = i;
        NextLine();
        return value;
    }

    private void SkipSpaces()
    {
        while (_pos < _end && (_s[_pos] == ' ' || _s[_pos] == '\t'))
        {
            _pos++;
        }
    }

    private bool AtLineEnd() => _pos >= _end || _s[_pos] is '\n' or '\r' || _s[_pos] == '#';

    // ---------------------------------------------------------------- scalars

    private string Intern(ReadOnlySpan<char> span)
    {
        if (span.Length > MaxCachedLength)
        {
            return span.ToString();
        }
        if (_cache.TryGetValue(span, out var cached))
        {
            return cached;
        }
        var s = span.ToString();
        _cache[span] = s;
        return s;
    }

    private string SingleQuoted()
    {
        var sb = (StringBuilder?)null;
        var i = _pos + 1;
        var start = i;
        while (true)
        {
            if (i >= _end || _s[i] == '\n' || _s[i] == '\r')
            {
                throw Unsupported("multi-line single-quoted scalar");
            }
            if (_s[i] == '\'')
            {
                if (i + 1 < _end && _s[i + 1] == '\'')
                {
                    sb ??= new StringBuilder();
                    sb.Append(_s, start, i - start + 1);
                    i += 2;
                    start = i;
                    continue;
                }
                break;
            }
            i++;
        }
        return EndQuoted(sb, start, i);
    }

    private string DoubleQuoted()
    {
        var i = _pos + 1;
        var start = i;
        StringBuilder? sb = null;
        while (true)
        {
            if (i >= _end || _s[i] == '\n' || _s[i] == '\r')
            {
                throw Unsupported("multi-line double-quoted scalar");
            }
            var ch = _s[i];
            if (ch == '"')
            {
                break;
            }
            if (ch == '\\')
            {
                sb ??= new StringBuilder();
                sb.Append(_s, start, i - start);
                if (i + 1 >= _end)
                {
                    throw Unsupported("escape at end");
                }
                var e = _s[i + 1];
                i += 2;
                switch (e)
                {
                    case '0': sb.Append('\0'); break;
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 't' or '\t': sb.Append('\t'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'v': sb.Append('\v'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'e': sb.Append('\u001b'); break;
                    case ' ': sb.Append(' '); break;
                    case '"': sb.Append('"'); break;
                    case '/': sb.Append('/'); break;
                    case '\\': sb.Append('\\'); break;
                    case 'N': sb.Append('\u0085'); break;
                    case '_': sb.Append('\u00a0'); break;
                    case 'L': sb.Append('\u2028'); break;
                    case 'P': sb.Append('\u2029'); break;
                    case 'x': i = Hex(sb, i, 2); break;
                    case 'u': i = Hex(sb, i, 4); break;
                    case 'U': i = Hex(sb, i, 8); break;
                    default: throw Unsupported("unknown escape");
                }
                start = i;
                continue;
            }
            i++;
        }
        return EndQuoted(sb, start, i);
    }

    /// <summary>The value of a quoted scalar whose text runs from start to the closing quote at end; moves past the quote.</summary>
    private string EndQuoted(StringBuilder? escaped, int start, int end)
    {
        _pos = end + 1;
        if (escaped is null)
        {
            return Intern(_s.AsSpan(start, end - start));
        }
        escaped.Append(_s, start, end - start);
        return escaped.ToString();
    }

    private int Hex(StringBuilder sb, int i, int digits)
    {
        if (i + digits > _end || !int.TryParse(_s.AsSpan(i, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
        {
            throw Unsupported("bad escape");
        }
        if (code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
        {
            throw Unsupported("escape outside Unicode");
        }
        sb.Append(char.ConvertFromUtf32(code));
        return i + digits;
    }

    /// <summary>A literal (|) or folded (>) block scalar; _pos at the indicator.</summary>
    private ScalarNode BlockScalar(int parentIndent)
    {
        var line = LineNumber;
        var literal = _s[_pos] == '|';
        _pos++;
        var chomp = ' ';
        if (_pos < _end && _s[_pos] is '-' or '+')
        {
            chomp = _s[_pos];
            _pos++;
        }
        if (_pos < _end && char.IsAsciiDigit(_s[_pos]))
        {
            throw Unsupported("indentation indicator");
        }
        RestOfLineMustBeEmpty();
        var lines = new List<(int Start, int End)>();
        var contentIndent = -1;
        while (_pos < _end)
        {
            var lineEnd = _s.IndexOf('\n', _pos, _end - _pos);
            var stop = lineEnd < 0 ? _end : lineEnd;
            var textEnd = stop > _pos && _s[stop - 1] == '\r' ? stop - 1 : stop;
            var spaces = 0;
            while (_pos + spaces < textEnd && _s[_pos + spaces] == ' ')
            {
                spaces++;
            }
            var blank = _pos + spaces == textEnd;
            if (!blank)
            {
                if (contentIndent < 0)
                {
                    if (spaces <= parentIndent)
                    {
                        break;
                    }
                    contentIndent = spaces;
                }
                else if (spaces < contentIndent)
                {
                    break;
                }
                if (_s[_pos + spaces] == '\t' && spaces == contentIndent)
                {
                    throw Unsupported("tab in block scalar");
                }
            }
            else if (contentIndent >= 0 && spaces > contentIndent && !literal)
            {
                throw Unsupported("indented blank line in folded scalar");
            }
            else if (contentIndent < 0 && spaces > 0)
            {
                throw Unsupported("leading blank line with spaces in block scalar");
            }
            lines.Add((_pos, textEnd));
            if (lineEnd < 0)
            {
                _pos = _end;
                break;
            }
            _pos = lineEnd + 1;
            _lineStart = _pos;
            _line++;
        }
        // Trailing blank lines belong to the scalar only for chomping; the parser continues after them.
        var contentCount = lines.Count;
        while (contentCount > 0 && IsBlank(lines[contentCount - 1]))
        {
            contentCount--;
        }
        var trailingBlank = lines.Count - contentCount;
        var sb = new StringBuilder();
        var previousNormal = false;
        for (var k = 0; k < contentCount; k++)
        {
            var (start, end) = lines[k];
            var text = end - start > contentIndent ? _s.AsSpan(start + contentIndent, end - start - contentIndent) : [];
            if (literal)
            {
                if (k > 0)
                {
                    sb.Append('\n');
                }
                sb.Append(text);
                continue;
            }
            var blank = text.IsEmpty;
            if (!blank && text[0] is ' ' or '\t')
            {
                throw Unsupported("more-indented line in folded scalar");
            }
            if (k > 0)
            {
                if (blank)
                {
                    sb.Append('\n');
                }
                else if (previousNormal)
                {
                    sb.Append(' ');
                }
            }
            sb.Append(text);
            previousNormal = !blank;
        }
        if (contentCount > 0)
        {
            switch (chomp)
            {
                case '-':
                    break;
                case '+':
                    sb.Append('\n', 1 + trailingBlank);
                    break;
                default:
                    sb.Append('\n');
                    break;
            }
        }
        else if (chomp == '+')
        {
            sb.Append('\n', trailingBlank);
        }
        return new ScalarNode(line, sb.ToString(), true);
    }

    private bool IsBlank((int Start, int End) line)
    {
        for (var i = line.Start; i < line.End; i++)
        {
            if (_s[i] != ' ')
            {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- flow collections (and JSON)

    private Node Flow(int depth)
    {
        if (depth > _maxDepth)
        {
            throw Unsupported("nesting");
        }
        var line = LineNumber;
        var open = _s[_pos];
        _pos++;
        if (open == '[')
        {
            var items = new List<Node>();
            while (true)
            {
                FlowSpace();
                if (Peek() == ']')
                {
                    _pos++;
                    return new ListNode(line, items);
                }
                var item = FlowNode(depth);
                FlowSpace();
                if (Peek() == ':')
                {
                    throw Unsupported("pair inside a flow sequence");
                }
                items.Add(item);
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }
                if (Peek() == ']')
                {
                    _pos++;
                    return new ListNode(line, items);
                }
                throw Unsupported("expected ',' or ']'");
            }
        }
        var entries = new List<KeyValuePair<string, Node>>();
        while (true)
        {
            FlowSpace();
            if (Peek() == '}')
            {
                _pos++;
                return new MapNode(line, entries);
            }
            var key = FlowNode(depth);
            if (key is not ScalarNode k)
            {
                throw Unsupported("collection as a key");
            }
            FlowSpace();
            if (Peek() != ':')
            {
                throw Unsupported("flow mapping key without value");
            }
            _pos++;
            FlowSpace();
            Node value = Peek() is ',' or '}' ? new ScalarNode(LineNumber, "", false) : FlowNode(depth);
            entries.Add(new(k.Value, value));
            FlowSpace();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }
            if (Peek() == '}')
            {
                _pos++;
                return new MapNode(line, entries);
            }
            throw Unsupported("expected ',' or '}'");
        }
    }

    private char Peek() => _pos < _end ? _s[_pos] : '\0';

    /// <summary>Whitespace, newlines and comments between flow tokens.</summary>
    private void FlowSpace()
    {
        while (_pos < _end)
        {
            var c = _s[_pos];
            if (c is ' ' or '\t' or '\r')
            {
                _pos++;
            }
            else if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (c == '#' && _pos > 0 && char.IsWhiteSpace(_s[_pos - 1]))
            {
                while (_pos < _end && _s[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private Node FlowNode(int depth)
    {
        if (_pos >= _end)
        {
            throw Unsupported("unterminated flow collection");
        }
        var c = _s[_pos];
        var line = LineNumber;
        switch (c)
        {
            case '{' or '[':
                return Flow(depth + 1);
            case '"':
                return new ScalarNode(line, DoubleQuoted(), true);
            case '\'':
                return new ScalarNode(line, SingleQuoted(), true);
            case '&' or '*' or '!' or '|' or '>' or '@' or '`' or '%' or '?' or ',' or ']' or '}' or '#':
                throw Unsupported("indicator in flow context");
        }
        var start = _pos;
        var end = _pos;
        while (_pos < _end)
        {
            var ch = _s[_pos];
            if (ch is ',' or '[' or ']' or '{' or '}' or '\n' or '\r')
            {
                break;
            }
            if (ch == ':' && (_pos + 1 >= _end || _s[_pos + 1] is ' ' or '\t' or '\n' or '\r' or ',' or ']' or '}' or '[' or '{'))
            {
                break;
            }
            if (ch == '#' && (_s[_pos - 1] == ' ' || _s[_pos - 1] == '\t'))
            {
                break;
            }
            if (ch is not (' ' or '\t'))
            {
                end = _pos + 1;
            }
            _pos++;
        }
        if (_pos < _end && _s[_pos] is '\n' or '\r')
        {
            // A plain scalar in flow context may continue on the next line; only the general parser folds it.
            var save = _pos;
            var saveLine = _line;
            var saveLineStart = _lineStart;
            FlowSpace();
            if (Peek() is not (',' or ']' or '}' or ':'))
            {
                throw Unsupported("multi-line plain scalar in flow");
            }
            _pos = save;
            _line = saveLine;
            _lineStart = saveLineStart;
        }
        return new ScalarNode(line, Intern(_s.AsSpan(start, end - start)), false);
    }
}
