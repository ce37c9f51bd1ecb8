using Faultline.Core.Documents;
using Faultline.Core.Model;
using Faultline.Sources.Contracts;

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
        return new LoadedSystem(set, model, diagnostics);
    }
}
