using Faultline.Core.Documents;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Faultline.Sources.Yaml;

/// <summary>Limits that keep hostile input (alias bombs, deep nesting) from using unbounded time or memory.</summary>
public sealed record YamlLimits
{
    public static readonly YamlLimits Default = new();

    /// <summary>Nodes a document may expand to, counting every alias as a copy of what it names.</summary>
    public long MaxExpandedNodes { get; init; } = 2_000_000;

    public int MaxDepth { get; init; } = 200;
}

/// <summary>
/// Parses YAML (and JSON, which YAML 1.2 contains) into position-carrying nodes. A file is split at its document
/// markers first, so a syntax error costs one document, not the rest of the file. Aliases share the anchored
/// node instead of copying it, and the expanded size is counted so an alias bomb is refused, not evaluated.
/// </summary>
public static class YamlDocumentReader
{
    public readonly record struct Document(Node Root, int Line);

    public static IReadOnlyList<Document> Read(string text, string file, List<InputDiagnostic> diagnostics, YamlLimits? limits = null) =>
        Read(text, file, diagnostics, limits, fast: true);

    /// <summary>With <paramref name="fast"/> false, every document goes through the general parser (for differential tests).</summary>
    internal static IReadOnlyList<Document> Read(string text, string file, List<InputDiagnostic> diagnostics, YamlLimits? limits, bool fast)
    {
        limits ??= YamlLimits.Default;
        var documents = new List<Document>();
        foreach (var (start, end, firstLine) in SplitDocuments(text))
        {
            if (fast)
            {
                try
                {
                    if (FastYamlParser.ParseDocument(text, start, end, firstLine, limits.MaxDepth) is { } root)
                    {
                        documents.Add(new Document(root, root.Line));
                    }
                    continue;
                }
                catch (FastYamlParser.NotInSubsetException)
                {
                    // Outside the fast subset (or invalid): the general parser decides, and words any error.
                }
            }
            var chunk = text[start..end];
            try
            {
                ParseChunk(chunk, firstLine, limits, documents);
            }
            catch (YamlException e)
            {
                var line = firstLine - 1 + (int)Math.Max(1, e.Start.Line);
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(file, line), $"invalid YAML: {Clean(e.Message)}"));
            }
            catch (DocumentTooLargeException e)
            {
                diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(file, firstLine - 1 + e.Line), e.Message));
            }
        }
        return documents;
    }

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the location is ours to print.
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return i >= 0 && message.StartsWith("(Line", StringComparison.Ordinal) ? message[(i + 3)..] : message;
    }

    /// <summary>Cuts the text at lines that start a new document ("---") or end one ("..."), keeping line numbers.</summary>
    internal static IEnumerable<(int Start, int End, int FirstLine)> SplitDocuments(string text)
    {
        var start = 0;
        var startLine = 1;
        var line = 1;
        var pos = 0;
        while (pos < text.Length)
        {
            var end = text.IndexOf('\n', pos);
            var lineEnd = end < 0 ? text.Length : end;
            if (IsMarker(text, pos, lineEnd) && pos > start)
            {
                yield return (start, pos, startLine);
                start = pos;
                startLine = line;
            }
            if (end < 0)
            {
                break;
            }
            pos = end + 1;
            line++;
        }
        if (start < text.Length)
        {
            yield return (start, text.Length, startLine);
        }
    }

    private static bool IsMarker(string text, int pos, int lineEnd)
    {
        if (lineEnd - pos < 3 || !(text[pos] == '-' && text[pos + 1] == '-' && text[pos + 2] == '-'))
        {
            return false;
        }
        return lineEnd - pos == 3 || text[pos + 3] is ' ' or '\t' or '\r';
    }

    private sealed class DocumentTooLargeException(string message, int line) : Exception(message)
    {
        public int Line { get; } = line;
    }

    private static void ParseChunk(string chunk, int firstLine, YamlLimits limits, List<Document> documents)
    {
        var parser = new Parser(new StringReader(chunk));
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out _))
        {
            var builder = new Builder(parser, firstLine - 1, limits);
            if (parser.Accept<DocumentEnd>(out _))
            {
                parser.Consume<DocumentEnd>();
                continue;
            }
            var root = builder.ReadNode(0);
            parser.Consume<DocumentEnd>();
            documents.Add(new Document(root, root.Line));
        }
    }

    private sealed class Builder(IParser parser, int lineOffset, YamlLimits limits)
    {
        private readonly Dictionary<string, (Node Node, long Size)> _anchors = new(StringComparer.Ordinal);
        private long _expanded;

        public Node ReadNode(int depth)
        {
            if (depth > limits.MaxDepth)
            {
                throw new DocumentTooLargeException($"document nests deeper than {limits.MaxDepth} levels; refused", (int)parser.Current!.Start.Line);
            }
            var (node, _) = Read(depth);
            return node;
        }

        private (Node Node, long Size) Read(int depth)
        {
            if (depth > limits.MaxDepth)
            {
                throw new DocumentTooLargeException($"document nests deeper than {limits.MaxDepth} levels; refused", (int)parser.Current!.Start.Line);
            }
            var current = parser.Current ?? throw new YamlException("unexpected end of document");
            var line = lineOffset + (int)current.Start.Line;
            switch (current)
            {
                case Scalar scalar:
                    parser.MoveNext();
                    return Remember(scalar.Anchor, new ScalarNode(line, scalar.Value, scalar.Style is not ScalarStyle.Plain), 1);
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw new YamlException(current.Start, current.End, $"alias *{alias.Value} names no anchor");
                    }
                    Count(target.Size, line);
                    return target;
                case SequenceStart seq:
                {
                    parser.MoveNext();
                    var items = new List<Node>();
                    long size = 1;
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        var (item, itemSize) = Read(depth + 1);
                        items.Add(item);
                        size += itemSize;
                    }
                    return Remember(seq.Anchor, new ListNode(line, items), size);
                }
                case MappingStart map:
                {
                    parser.MoveNext();
                    var entries = new List<KeyValuePair<string, Node>>();
                    var merged = new List<KeyValuePair<string, Node>>();
                    long size = 1;
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var (key, keySize) = Read(depth + 1);
                        var (value, valueSize) = Read(depth + 1);
                        size += keySize + valueSize;
                        if (key is ScalarNode { Value: "<<", Quoted: false })
                        {
                            // YAML merge key: merged entries come first so explicit keys win.
                            foreach (var source in value is ListNode l ? l.Items : [value])
                            {
                                if (source is MapNode m)
                                {
                                    merged.AddRange(m.Entries);
                                }
                            }
                            continue;
                        }
                        entries.Add(new(key.Text ?? "", value));
                    }
                    if (merged.Count > 0)
                    {
                        merged.AddRange(entries);
                        entries = merged;
                    }
                    return Remember(map.Anchor, new MapNode(line, entries), size);
                }
                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }
        }

        private (Node, long) Remember(AnchorName anchor, Node node, long size)
        {
            Count(1, node.Line);
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = (node, size);
            }
            return (node, size);
        }

        private void Count(long size, int line)
        {
            _expanded += size;
            if (_expanded > limits.MaxExpandedNodes)
            {
                throw new DocumentTooLargeException(
                    $"document expands to more than {limits.MaxExpandedNodes:N0} nodes through aliases (an alias bomb?); refused", line - lineOffset);
            }
        }
    }
}
