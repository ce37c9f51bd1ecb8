using Faultline.Core.Documents;
using Faultline.Core.Model;
using Faultline.Sources.Contracts;
using Faultline.Sources.Settings;

namespace Faultline.Sources.Inputs;

/// <summary>What was read, the model inferred from it, and every problem met on the way.</summary>
public sealed record LoadedSystem(ManifestSet Input, SystemModel Model, IReadOnlyList<InputDiagnostic> Diagnostics);

/// <summary>The one way to turn input paths into a system model: manifests, then contracts, then the model.</summary>
public static class SystemLoader
{
    public static LoadedSystem Load(IReadOnlyList<string> paths, InputOptions options, TextReader? stdin = null)
    {
        var set = new ManifestLoader(options).Load(paths, stdin);
        var diagnostics = new List<InputDiagnostic>(set.Diagnostics);
        var contracts = ContractLoader.Load(set.Manifests, set.Others, diagnostics);
        var model = ModelBuilder.Build(set.Manifests, contracts);
        CheckAssumedNames(model, diagnostics);
        CheckPartitionSources(model, diagnostics);
        return new LoadedSystem(set, model, diagnostics);
    }

    /// <summary>A KafkaTopic wins over an AsyncAPI binding for the same topic; when they disagree, say so at the binding.</summary>
    private static void CheckPartitionSources(SystemModel model, List<InputDiagnostic> diagnostics)
    {
        foreach (var i in model.Contracts.Interfaces)
        {
            foreach (var kafka in i.Spec.Operations.Select(o => o.Kafka).OfType<Core.Contracts.KafkaBinding>().DistinctBy(k => (k.Topic, k.Partitions)))
            {
                if (kafka.Partitions is { } stated && model.Topics.FirstOrDefault(t => t.Name == kafka.Topic && t.Namespace == i.Namespace && t.Source == TopicInfo.FromKafkaTopic) is { Partitions: { } applied } topic
                    && applied != stated)
                {
                    diagnostics.Add(new(DiagnosticLevel.Warning, kafka.PartitionsAt ?? i.DeclaredAt,
                        $"the AsyncAPI binding gives topic {kafka.Topic} {stated} partitions, but KafkaTopic {topic.Name} ({topic.Location}) has {applied}; the KafkaTopic is used"));
                }
            }
        }
    }

    /// <summary>A faultline.yaml that names a service the input does not have is most likely a typo: say where.</summary>
    private static void CheckAssumedNames(SystemModel model, List<InputDiagnostic> diagnostics)
    {
        if (model.Services.Count == 0 && model.Workloads.Count == 0)
        {
            return; // assumptions on their own (no manifests) name services deployed elsewhere
        }
        var known = model.Services.Select(s => s.Name).Concat(model.Workloads.Select(w => w.Name)).ToHashSet(StringComparer.Ordinal);
        var names = known.Order(StringComparer.Ordinal).ToList();
        string Hint(string name) => Suggestions.Closest(name, names) is { } near ? $"; did you mean '{near}'?" : "";
        var described = model.Contracts.Assumptions.Select(a => a.Service).ToHashSet(StringComparer.Ordinal);
        foreach (var a in model.Contracts.Assumptions)
        {
            if (!known.Contains(a.Service))
            {
                diagnostics.Add(new(DiagnosticLevel.Warning, a.Location, $"faultline.yaml describes service '{a.Service}', which is not in the input{Hint(a.Service)}"));
            }
            // A callee outside the input is often a real external dependency (a bank, a SaaS API); only a name
            // close to one that is in the input is worth a word, since a typo there silently drops every check
            // of that call.
            foreach (var call in a.Calls.Where(c => !known.Contains(c.Service) && !described.Contains(c.Service)))
            {
                if (Hint(call.Service) is { Length: > 0 } hint)
                {
                    diagnostics.Add(new(DiagnosticLevel.Warning, call.Location, $"{a.Service} calls service '{call.Service}', which is not in the input{hint}"));
                }
            }
        }
    }
}
