using Faultline.Core.Findings;

namespace Faultline.Core.Rules.Reference;

internal sealed class UnknownServiceRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "reference.unknown-service",
        Severity.High,
        "Addressed Service does not exist",
        "A workload (or an Ingress/HTTPRoute) addresses an in-cluster Service that is not in the input.",
        "Create the Service, fix the name in the address, or, if the Service is deployed elsewhere, add its manifest to the input.",
        """
        Faultline reads every address a workload is given (env vars, ConfigMap values, command and args, with
        `$(VAR)` expanded) and Ingress/HTTPRoute backends. A host:port, URL or cluster name (`name.namespace`,
        `name.namespace.svc.cluster.local`) that names no Service of the input means the caller will fail DNS
        lookup at runtime. Public domains and IP addresses are external and never flagged; `name.ns` counts as
        in-cluster only when namespace `ns` appears in the input. A bare word in a variable named like an address
        (`REDIS_HOST=redis`) becomes an edge only when the Service exists, since such values are often not hosts.
        Services every cluster has (the API server's `kubernetes.default`, cluster DNS) are listed in `knownServices`.
        """,
        [
            new("knownServices", "Services that exist in every cluster, as namespace/name; never reported missing.",
                ["default/kubernetes", "kube-system/kube-dns", "kube-system/coredns"]),
        ]);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        var known = context.Parameter("knownServices").ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<(string, string, string)>();
        foreach (var e in context.Model.Edges)
        {
            if (e.Target is not null || known.Contains(e.To) || !seen.Add((e.From, e.To, e.Evidence.Location.ToString())))
            {
                continue;
            }
            var message = $"{e.FromKind} {e.FromManifest.Name} addresses Service '{e.TargetName}' in namespace '{e.TargetNamespace}', which is not in the input";
            var assumption = $"{e.FromName} assumes a Service named {e.TargetName} exists in namespace {e.TargetNamespace}";
            var evidence = e.Evidence.ToString();
            yield return context.Model.WorkloadOf(e.FromManifest) is { } w
                ? context.ForWorkload(w, null, message, assumption, evidence) with { Location = e.Evidence.Location }
                : context.ForObject(e.FromManifest, e.TargetName, null, message, assumption, evidence) with { Location = e.Evidence.Location };
        }
    }
}
