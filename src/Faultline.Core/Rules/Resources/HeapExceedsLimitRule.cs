using System.Globalization;
using System.Text.RegularExpressions;
using Faultline.Core.Documents;
using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Resources;

internal sealed partial class HeapExceedsLimitRule : Rule
{
    private static readonly HashSet<string> JavaVariables =
        ["JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "JVM_OPTS", "CATALINA_OPTS", "ES_JAVA_OPTS", "KAFKA_HEAP_OPTS", "HEAP_OPTS"];

    public override RuleInfo Info { get; } = new(
        "resources.heap-exceeds-limit",
        Severity.High,
        "Runtime heap may exceed the memory limit",
        "A JVM, .NET or Node heap setting allows the heap to grow past the container's memory limit.",
        "Size the heap below the limit (leave room for non-heap memory: about 25% for the JVM), or better, size it relative to the limit: -XX:MaxRAMPercentage=75, DOTNET_GCHeapHardLimitPercent, or no --max-old-space-size.",
        """
        Runtimes size their heap from flags, not from the cgroup limit, once a flag is set. `-Xmx1g` under a 512Mi
        limit works in staging where no limit applies and is OOM-killed in production when the heap grows. A heap
        equal to the limit fires too: the runtime needs memory beside its heap. Read from JAVA_OPTS,
        JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS, _JAVA_OPTIONS, JVM_OPTS, CATALINA_OPTS, ES_JAVA_OPTS and KAFKA_HEAP_OPTS
        (`-Xmx`, the last one winning as in the JVM; `-XX:MaxRAMPercentage` >= 100), also through ConfigMaps,
        DOTNET_GCHeapHardLimit (hex bytes) and DOTNET_GCHeapHardLimitPercent (hex percent, >= 0x64 fires), NODE_OPTIONS
        (`--max-old-space-size`, MiB), and the container's command and args. $(VAR) references are expanded.
        """);

    [GeneratedRegex(@"-Xmx(\d+)([kKmMgGtT]?)\b")]
    private static partial Regex Xmx();

    [GeneratedRegex(@"-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)")]
    private static partial Regex MaxRamPercentage();

    [GeneratedRegex(@"--max[-_]old[-_]space[-_]size[= ](\d+)")]
    private static partial Regex MaxOldSpace();

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.Containers)
            {
                if (c.Resources.MemoryLimit is not { } limit)
                {
                    continue;
                }
                foreach (var (source, value, location) in Settings(context.Model, w, c))
                {
                    if (Heap(source, value) is not { } heap || heap.Bytes < limit.Value)
                    {
                        continue;
                    }
                    yield return context.ForWorkload(w, null,
                        $"container '{c.Name}' of {w}: {heap.Setting} allows a heap of {heap.Describe()}, above the memory limit {limit.Text}; the container is OOM-killed when the heap grows",
                        $"the {heap.Runtime} heap fits inside the {limit.Text} memory limit",
                        $"{source}: {value}; resources.limits.memory: {limit.Text}") with { Location = location };
                }
            }
        }
    }

    private static IEnumerable<(string Source, string Value, SourceLocation Location)> Settings(SystemModel model, Workload w, Container c)
    {
        var resolved = model.EnvironmentOf(w, c);
        foreach (var e in resolved)
        {
            yield return (e.Source, e.Value, e.Location);
        }
        var env = ContainerEnvironment.AsMap(resolved);
        foreach (var (field, items) in new[] { ("command", c.Command), ("args", c.Args) })
        {
            foreach (var item in items)
            {
                yield return (field, EnvExpansion.Expand(item.Value, env), w.Manifest.At(item));
            }
        }
    }

    private sealed record HeapSetting(string Runtime, string Setting, decimal Bytes, bool Percent)
    {
        public string Describe() => Percent ? "100% or more of the limit" : Quantity.FormatBytes(Bytes);
    }

    private static HeapSetting? Heap(string source, string value)
    {
        var name = source.StartsWith("env ", StringComparison.Ordinal) ? source[4..].Split(' ')[0] : null;
        if (!value.Contains("-X", StringComparison.Ordinal) && !value.Contains("space", StringComparison.Ordinal) && name?.Contains("GCHeapHardLimit", StringComparison.Ordinal) != true)
        {
            return null;
        }
        var javaContext = name is null || JavaVariables.Contains(name);
        if (javaContext && Xmx().Matches(value) is { Count: > 0 } all && all[^1] is var xmx)
        {
            var factor = xmx.Groups[2].Value.ToLowerInvariant() switch
            {
                "k" => 1024m,
                "m" => 1024m * 1024,
                "g" => 1024m * 1024 * 1024,
                "t" => 1024m * 1024 * 1024 * 1024,
                _ => 1m,
            };
            return new("JVM", xmx.Value, decimal.Parse(xmx.Groups[1].Value, CultureInfo.InvariantCulture) * factor, false);
        }
        if (javaContext && MaxRamPercentage().Match(value) is { Success: true } pct
            && decimal.Parse(pct.Groups[1].Value, CultureInfo.InvariantCulture) >= 100)
        {
            return new("JVM", pct.Value, decimal.MaxValue, true);
        }
        if ((name is null || name == "NODE_OPTIONS") && MaxOldSpace().Match(value) is { Success: true } node)
        {
            return new("Node", node.Value, decimal.Parse(node.Groups[1].Value, CultureInfo.InvariantCulture) * 1024 * 1024, false);
        }
        if (name is "DOTNET_GCHeapHardLimit" or "COMPlus_GCHeapHardLimit" && ParseHex(value) is { } bytes)
        {
            return new(".NET", $"{name}={value}", bytes, false);
        }
        if (name is "DOTNET_GCHeapHardLimitPercent" or "COMPlus_GCHeapHardLimitPercent" && ParseHex(value) is >= 100)
        {
            return new(".NET", $"{name}={value}", decimal.MaxValue, true);
        }
        return null;
    }

    /// <summary>DOTNET_ GC settings are hexadecimal, with or without 0x.</summary>
    private static decimal? ParseHex(string value)
    {
        var text = value.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }
        return ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
