using Faultline.Core.Documents;
using Faultline.Sources.Inputs;
using Faultline.Integrations.Kubernetes;
using System.CommandLine;
using Faultline.Cli.Rendering;
using Faultline.Core.Model;
using Faultline.Core.Upgrade;

namespace Faultline.Cli.Commands;

/// <summary>`faultline upgrade plan`: a Kubernetes upgrade as a path of checked one-minor steps.</summary>
internal static class UpgradeCommand
{
    public static Command Create(ConsoleIo io)
    {
        var plan = new Command("plan", "Plan a Kubernetes upgrade one minor at a time: removed APIs in use, deprecations, drain blockers, version skew, add-ons, Helm charts, and a checklist per step.");
        var from = new Option<string>("--from") { Description = "The Kubernetes version the cluster runs now (1.32 or v1.32.4).", Required = true };
        var to = new Option<string>("--to") { Description = "The Kubernetes version to reach; every minor in between is a step.", Required = true };
        var paths = new Argument<string[]>("path")
        {
            Description = "Folders (read recursively, Chart.yaml files included), files, or - for stdin. Default: the current folder.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--format", "-f") { Description = "Output format: text, markdown (a runbook to review) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "json");
        var kubelets = new Option<string[]>("--kubelet-version") { Description = "A kubelet version running in the cluster (repeatable); Node objects in the input count too." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the plan to this file instead of stdout (written atomically)." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace for objects that do not name one. Default: default." };
        plan.Add(from);
        plan.Add(to);
        plan.Add(paths);
        plan.Add(format);
        plan.Add(kubelets);
        plan.Add(output);
        plan.Add(ns);
        var cluster = new Option<bool>("--cluster") { Description = "Also read the live cluster (kubeconfig, or the service account in a pod): objects as last applied, and node versions." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "With --cluster: the kubeconfig file. Default: KUBECONFIG or ~/.kube/config." };
        var context = new Option<string?>("--context") { Description = "With --cluster: the kubeconfig context. Default: the current one." };
        plan.Add(cluster);
        plan.Add(kubeconfig);
        plan.Add(context);
        plan.SetAction(parse =>
        {
            var start = Inputs.KnownVersion(parse.GetValue(from)!, "--from");
            var target = Inputs.KnownVersion(parse.GetValue(to)!, "--to");
            var last = ApiLifecycle.Builtin.LastKnownRelease;
            if (target < start)
            {
                throw new UsageException($"--to {target} is older than --from {start}: Kubernetes does not support downgrades, so there is no plan for one (the last version Faultline knows is {last})");
            }
            if (target == start)
            {
                throw new UsageException($"--from and --to are both {start}: nothing to plan (the last version Faultline knows is {last})");
            }
            var kubeletVersions = new List<KubeVersion>();
            foreach (var text in parse.GetValue(kubelets) ?? [])
            {
                if (!KubeVersion.TryParse(text, out var v) || v.Major != 1)
                {
                    throw new UsageException($"--kubelet-version '{text}' is not a Kubernetes version: write it as 1.32 or v1.32.4");
                }
                kubeletVersions.Add(v);
            }

            var inputs = parse.GetValue(paths) is { Length: > 0 } p ? p : (parse.GetValue(cluster) ? [] : ["."]);
            var loaded = Inputs.Load(io, inputs, parse.GetValue(ns), null);
            var set = loaded.Input;
            Inputs.PrintDiagnostics(io, loaded.Diagnostics, false);
            var model = loaded.Model;
            if (parse.GetValue(cluster))
            {
                var clusterDiagnostics = new List<InputDiagnostic>();
                var snapshot = ClusterReader.Connect(parse.GetValue(kubeconfig), parse.GetValue(context)).ReadAsync(clusterDiagnostics).GetAwaiter().GetResult();
                var manifests = new List<Manifest>(set.Manifests);
                var loader = new ManifestLoader(new InputOptions { DefaultNamespace = parse.GetValue(ns) ?? "default" });
                foreach (var (name, json) in snapshot.AppliedObjects)
                {
                    loader.ReadObjects(name, json, manifests, clusterDiagnostics);
                }
                Inputs.PrintDiagnostics(io, clusterDiagnostics, false);
                if (clusterDiagnostics.Any(d => d.Level == DiagnosticLevel.Error))
                {
                    io.Stderr.WriteLine("faultline: the cluster could not be read; see the errors above.");
                    return ExitCodes.Undecided;
                }
                io.Stderr.WriteLine($"faultline: read {snapshot.AppliedObjects.Count} objects from the cluster ({snapshot.GitVersion ?? "version unknown"}, {snapshot.ServedGroupVersions.Count} API versions served)");
                model = ModelBuilder.Build(manifests, loaded.Model.Contracts);
                set = set with { Manifests = manifests };
            }
            if (set.Manifests.Count == 0 && set.Charts.Count == 0 && set.HasErrors)
            {
                io.Stderr.WriteLine("faultline: nothing could be read; see the errors above.");
                return ExitCodes.UsageOrInput;
            }
            var result = UpgradePlanner.Builtin.Plan(new UpgradeRequest
            {
                From = start,
                To = target,
                Model = model,
                KubeletVersions = kubeletVersions,
                Charts = set.Charts,
            });
            var report = new UpgradeReport(result, set);
            var rendered = parse.GetValue(format) switch
            {
                "json" => UpgradeJson.Render(report),
                "markdown" => UpgradeMarkdown.Render(report),
                _ => UpgradeText.Render(report),
            };
            Inputs.Write(io, parse.GetValue(output), rendered);
            return result.Passed ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return new Command("upgrade", "Plan Kubernetes upgrades.") { plan };
    }
}
