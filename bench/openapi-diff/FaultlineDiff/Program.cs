using System.Diagnostics;
using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.OpenApi;

// faultline-openapi-diff BASE HEAD [--list] [--warm]: reads both specs, diffs them, prints the number of changes
// per rule (with --list every change) on stdout and the time of each phase on stderr. --warm reads and diffs once
// before the measured pass, to tell start-up and JIT apart from steady-state cost. Exit code 0, or 2 when a spec
// cannot be read.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: faultline-openapi-diff BASE HEAD [--list] [--warm]");
    return 2;
}
var list = args.Contains("--list");
var total = Stopwatch.StartNew();
if (args.Contains("--warm"))
{
    // Reads and diffs once before the measured run, to tell JIT and start-up from steady-state cost.
    SpecDiff.Diff(OpenApiReader.Read(args[0], [])!, OpenApiReader.Read(args[1], [])!);
    Console.Error.WriteLine($"warm-up {total.ElapsedMilliseconds} ms");
    total.Restart();
}
var diagnostics = new List<InputDiagnostic>();
var watch = Stopwatch.StartNew();
var baseSpec = OpenApiReader.Read(args[0], diagnostics);
var head = OpenApiReader.Read(args[1], diagnostics);
var read = watch.Elapsed;
foreach (var d in diagnostics)
{
    Console.Error.WriteLine(d);
}
if (baseSpec is null || head is null)
{
    return 2;
}
watch.Restart();
var changes = SpecDiff.Diff(baseSpec, head);
var diff = watch.Elapsed;
foreach (var group in changes.GroupBy(c => c.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"{group.Count(),8}  {group.Key}");
}
Console.WriteLine($"{changes.Count,8}  changes in {baseSpec.Operations.Count} base operations");
if (list)
{
    foreach (var c in changes)
    {
        Console.WriteLine($"{c.RuleId}\t{c.Operation}\t{c.FieldPath}\t{c.Description}\t{c.BaseLocation}\t{c.HeadLocation}");
    }
}
Console.Error.WriteLine($"read {read.TotalMilliseconds:F0} ms, diff {diff.TotalMilliseconds:F0} ms, total {total.Elapsed.TotalMilliseconds:F0} ms");
return 0;
