using System.Globalization;
using Faultline.Core.Documents;
using Faultline.Core.Model;
using Faultline.Core.Resources;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Resources;

/// <summary>
/// Reads the JSON that `faultline resources recommend --format json` prints, for `faultline resources check`.
/// Only what the check needs is read: each entry's namespace, workload, container and, per resource, the request,
/// the limit, the refusal, the basis and the history. Problems are reported with file:line.
/// </summary>
public static class RecommendationsFile
{
    public static IReadOnlyList<ContainerRecommendation> Read(string path, List<InputDiagnostic> diagnostics)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(path, 0), $"cannot read the recommendations: {e.Message}"));
            return [];
        }
        return Parse(text, path, diagnostics);
    }

    public static IReadOnlyList<ContainerRecommendation> Parse(string text, string file, List<InputDiagnostic> diagnostics)
    {
        void Error(Node? at, string message) =>
            diagnostics.Add(new InputDiagnostic(DiagnosticLevel.Error, new SourceLocation(file, at?.Line ?? 1), message));

        var documents = YamlDocumentReader.Read(text, file, diagnostics);
        if (documents.Count == 0 || documents[0].Root is not MapNode root)
        {
            Error(null, "not a recommendations document: expected the JSON of `faultline resources recommend --format json`");
            return [];
        }
        if (root.List("recommendations") is not { } list)
        {
            Error(root, "missing 'recommendations' (the JSON of `faultline resources recommend --format json`)");
            return [];
        }
        var result = new List<ContainerRecommendation>();
        foreach (var item in list.Items)
        {
            if (item is not MapNode entry)
            {
                Error(item, "a recommendation must be an object");
                continue;
            }
            if (entry.Str("container") is not { } container)
            {
                Error(entry, "a recommendation without 'container'");
                continue;
            }
            var key = new ContainerKey(entry.Str("namespace"), entry.Str("workload"), container);
            var cpu = Resource(entry.Map("cpu"), "cpu", entry, Error);
            var memory = Resource(entry.Map("memory"), "memory", entry, Error);
            if (cpu is null || memory is null)
            {
                continue;
            }
            result.Add(new ContainerRecommendation(key, cpu, memory));
        }
        return result;
    }

    private static ResourceRecommendation? Resource(MapNode? node, string resource, MapNode entry, Action<Node?, string> error)
    {
        if (node is null)
        {
            return new ResourceRecommendation { Resource = resource, History = UsageHistory.None, Refusal = $"no {resource} recommendation in the file" };
        }
        decimal? Quantity(string key)
        {
            if (node.Str(key) is not { } t)
            {
                return null;
            }
            var v = Core.Model.Quantity.ParseValue(t);
            if (v is null || v < 0)
            {
                error(node[key], $"{resource}.{key} '{t}' is not a Kubernetes quantity (250m, 512Mi)");
            }
            return v;
        }
        var history = node.Map("history") is { } h
            ? new UsageHistory(h.Int("samples") ?? 0, Double(h.Str("coveredHours")) ?? 0, Time(h.Str("first")), Time(h.Str("last")))
            : UsageHistory.None;
        var refusal = node.Str("refusal");
        var request = Quantity("request");
        if (refusal is null && request is null)
        {
            if (node.Str("request") is null)
            {
                error(node, $"{resource} of container '{entry.Str("container")}' has neither 'request' nor 'refusal'");
            }
            return null;
        }
        return new ResourceRecommendation
        {
            Resource = resource,
            History = history,
            Refusal = refusal,
            Request = request,
            Limit = Quantity("limit"),
            LowerBound = Quantity("lowerBound"),
            UpperBound = Quantity("upperBound"),
            Basis = node.Str("basis") ?? "",
            OomKills = node.Int("oomKills") ?? 0,
        };
    }

    private static double? Double(string? text) =>
        text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
