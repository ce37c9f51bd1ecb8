using System.Globalization;
using Faultline.Core.Findings;
using Faultline.Core.Model;
using Faultline.Core.Resources;
using Faultline.Core.Settings;

namespace Faultline.Core.Rules.Resources;

/// <summary>
/// Compares each container's requests (and memory limit) with a recommendation made from its observed usage.
/// The recommendations are data in the settings; without them the rule does not run, so a plain check is unchanged.
/// </summary>
internal sealed class RequestFarFromUsageRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "resources.request-far-from-usage",
        Severity.Medium,
        "Request far from observed usage",
        "A container requests less CPU or memory than its observed usage calls for (throttling or OOM risk), or more than twice as much (waste, low).",
        "Set the requests (and the memory limit) to the recommended values: `faultline resources recommend` prints them with the history behind each number.",
        """
        Runs only with recommendations made from observed usage (`faultline resources check PATH --recommendations
        FILE`, where FILE is the JSON of `faultline resources recommend`). A CPU request below the recommendation
        means the container is promised less CPU than it uses: under contention it is slowed, and with a limit near
        the request it is throttled. A memory request below the recommendation overcommits the node (evictions under
        memory pressure); a memory limit below it means an OOM kill at the next peak. Both are medium. A request more
        than `wasteRatio` times the recommendation (default 2) reserves capacity nobody uses: low. A recommendation
        that was refused for lack of history is not used. Recommendations match containers by namespace, workload
        and container name; a recommendation without a namespace or workload (from a load-test CSV) matches the
        container name anywhere.
        """,
        [new RuleParameter("wasteRatio", "A request more than this many times the recommendation is reported as waste.", ["2"])]);

    public override bool AppliesTo(CheckSettings settings) => settings.ResourceRecommendations is not null;

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        if (context.Settings.ResourceRecommendations is not { } recommendations)
        {
            yield break;
        }
        var ratioText = context.Parameter("wasteRatio").FirstOrDefault() ?? "2";
        var wasteRatio = decimal.TryParse(ratioText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r > 1 ? r : 2m;
        foreach (var w in context.Model.Workloads)
        {
            foreach (var c in w.Containers)
            {
                if (Match(recommendations, w, c) is not { } rec)
                {
                    continue;
                }
                if (Cpu(context, w, c, rec.Cpu, wasteRatio) is { } cpu)
                {
                    yield return cpu;
                }
                if (Memory(context, w, c, rec.Memory, wasteRatio) is { } memory)
                {
                    yield return memory;
                }
            }
        }
    }

    /// <summary>The most specific recommendation for the container: namespace and workload named beat wildcards.</summary>
    private static ContainerRecommendation? Match(IReadOnlyList<ContainerRecommendation> recommendations, Workload w, Container c) =>
        recommendations
            .Where(r => r.Key.Container == c.Name
                && (r.Key.Namespace is null || r.Key.Namespace == w.Namespace)
                && (r.Key.Workload is null || r.Key.Workload == w.Name))
            .OrderByDescending(r => (r.Key.Namespace is null ? 0 : 1) + (r.Key.Workload is null ? 0 : 2))
            .FirstOrDefault();

    private static Finding? Cpu(RuleContext context, Workload w, Container c, ResourceRecommendation rec, decimal wasteRatio)
    {
        // Kubernetes defaults a missing request to the limit; with neither, resources.requests-missing reports it.
        var request = c.Resources.CpuRequest ?? c.Resources.CpuLimit;
        if (!rec.IsRecommended || request is null)
        {
            return null;
        }
        var evidence = $"requests.cpu: {request.Text}; recommended {rec.RequestText} ({rec.Basis}; {HistoryText(rec.History)})";
        return AgainstUsage(context, w, c, "CPU", request, rec, evidence, wasteRatio,
            "under contention it gets less CPU than it uses and is slowed or throttled");
    }

    private static Finding? Memory(RuleContext context, Workload w, Container c, ResourceRecommendation rec, decimal wasteRatio)
    {
        var request = c.Resources.MemoryRequest ?? c.Resources.MemoryLimit;
        var limit = c.Resources.MemoryLimit;
        if (!rec.IsRecommended || request is null)
        {
            return null;
        }
        var wantedLimit = rec.Limit ?? rec.Request!.Value;
        var evidence = $"requests.memory: {request.Text}, limits.memory: {limit?.Text ?? "none"}; recommended {rec.RequestText}"
            + (rec.LimitText is { } l ? $", limit {l}" : "") + $" ({rec.Basis}; {HistoryText(rec.History)}"
            + (rec.OomKills > 0 ? $"; {rec.OomKills} OOM kill(s) seen" : "") + ")";
        if (limit is not null && limit.Value < wantedLimit)
        {
            return context.ForWorkload(w, c.Resources.Node ?? c.Node,
                $"container '{c.Name}' of {w} has a memory limit of {limit.Text}, below the {ResourceUnits.Format("memory", wantedLimit)} its usage calls for: it is OOM-killed at its next peak",
                $"'{c.Name}' stays within its memory limit",
                evidence);
        }
        return AgainstUsage(context, w, c, "memory", request, rec, evidence, wasteRatio,
            "the node is overcommitted and its pods are evicted or OOM-killed under memory pressure");
    }

    /// <summary>A request below the recommendation (medium, with <paramref name="belowEffect"/>), or more than the waste ratio above it (low).</summary>
    private static Finding? AgainstUsage(RuleContext context, Workload w, Container c, string resource, Quantity request, ResourceRecommendation rec, string evidence, decimal wasteRatio, string belowEffect)
    {
        var wanted = rec.Request!.Value;
        if (request.Value < wanted)
        {
            return context.ForWorkload(w, c.Resources.Node ?? c.Node,
                $"container '{c.Name}' of {w} requests {request.Text} {resource}, below the {rec.RequestText} its usage calls for: {belowEffect}",
                $"the scheduler reserves the {resource} that '{c.Name}' uses",
                evidence);
        }
        if (request.Value > wanted * wasteRatio)
        {
            return context.ForWorkload(w, c.Resources.Node ?? c.Node,
                $"container '{c.Name}' of {w} requests {request.Text} {resource}, {Ratio(request.Value, wanted)}x the {rec.RequestText} its usage calls for: the rest is reserved and unused",
                $"the {resource} reserved for '{c.Name}' is used",
                evidence,
                Severity.Low);
        }
        return null;
    }

    private static string Ratio(decimal a, decimal b) => (a / b).ToString("0.#", CultureInfo.InvariantCulture);

    private static string HistoryText(UsageHistory h) =>
        $"{h.Samples} samples over {ResourceRecommender.Hours(h.CoveredHours)}";
}
