using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Faultline.Cli.Tests;

/// <summary>
/// Replays the test fixtures of kube-score, kube-linter and Polaris (copied under Peers/, provenance in
/// Peers/README.md) against the Faultline rules that mean the same thing, and compares with what the peer's own
/// tests expect. Every case must agree, except the differences listed in <see cref="Differences"/> with their
/// reason: on purpose (a documented semantic difference, or input outside Faultline's scope) or "BUG:" (the peer is
/// right and no rule doc justifies the difference; kept here so that the test stays green until the rule is fixed,
/// and fails once it is, so that the entry gets removed).
/// </summary>
public sealed partial class PeerReplayTests(ITestOutputHelper output)
{
    private static string PeersDir => Path.Combine(Repo.TestDir, "Peers");

    private enum Unit
    {
        /// <summary>Per fixture file: does the check fire anywhere in it.</summary>
        File,

        /// <summary>Per object, as Kind/name.</summary>
        Object,

        /// <summary>Per container, as Kind/name/container (kube-linter reports once per container).</summary>
        Container,
    }

    /// <summary>A Faultline finding, as the JSON report gives it.</summary>
    private sealed record Finding(string RuleId, string Kind, string Name, string Message, string Evidence);

    /// <summary>A peer check and the Faultline rules that mean the same; Filter narrows a rule to the part that does.</summary>
    private sealed record Mapping(string Tool, string PeerCheck, string[] Rules, Unit Unit, string Agreement, Func<Finding, bool>? Filter = null)
    {
        public bool Matches(Finding f) => Rules.Contains(f.RuleId) && (Filter?.Invoke(f) ?? true);
    }

    /// <summary>One comparison: in Fixture (relative to Peers/), does the peer expect Subject to be reported.</summary>
    private sealed record Case(string Tool, string PeerCheck, string Fixture, string Subject, bool PeerFires, string? Config = null)
    {
        public string Id => $"{Tool} | {PeerCheck} | {Fixture} | {Subject}" + (Config is null ? "" : $" | {Config}");
    }

    private const string AnyInFile = "*";

    private static Func<Finding, bool> RequestOf(string resource) => f => f.Evidence.Contains($"resources.requests.{resource}", StringComparison.Ordinal);

    private static Func<Finding, bool> ProbeKind(string kind) => f => f.Message.StartsWith($"{kind} probe ", StringComparison.Ordinal);

    private static Func<Finding, bool> BudgetField(string field) => f => f.Message.Contains($"({field}:", StringComparison.Ordinal);

    private static readonly Mapping[] Mappings =
    [
        new("kube-score", "Pod Probes", ["probe.readiness-missing"], Unit.File,
            "grade Critical (readiness missing on a pod a Service in its namespace targets) iff the rule fires; kube-score skips pods no Service targets, as Faultline does"),
        new("kube-score", "Pod Probes Identical", ["probe.liveness-identical-to-readiness"], Unit.File,
            "grade Critical iff the rule fires"),
        new("kube-score", "Container Image Tag", ["image.mutable-tag"], Unit.File,
            "grade Critical (no tag or latest) iff the rule fires"),
        new("kube-score", "Container Resources", ["resources.requests-missing", "resources.memory-limit-missing"], Unit.File,
            "grade Warning/Critical iff either rule fires (a request defaulted from a limit is an info finding and counts); kube-score's CPU-limit demand has no Faultline rule on purpose"),
        new("kube-score", "Service Targets Pod", ["reference.selector-matches-nothing"], Unit.File,
            "grade Critical iff the rule fires"),
        new("kube-score", "Ingress targets Service", ["reference.unknown-service", "reference.port-mismatch"], Unit.File,
            "grade Critical iff either rule fires on an Ingress", f => f.Kind == "Ingress"),

        new("kube-linter", "dangling-service", ["reference.selector-matches-nothing"], Unit.Object,
            "the same Services are reported"),
        new("kube-linter", "dangling-ingress", ["reference.unknown-service", "reference.port-mismatch"], Unit.Object,
            "the same Ingresses are reported (missing Service or a port it does not expose)"),
        new("kube-linter", "latest-tag", ["image.mutable-tag"], Unit.Container,
            "the same containers are reported"),
        new("kube-linter", "liveness-port", ["probe.port-not-exposed"], Unit.Container,
            "the same containers are reported for their liveness probe", ProbeKind("liveness")),
        new("kube-linter", "readiness-port", ["probe.port-not-exposed"], Unit.Container,
            "the same containers are reported for their readiness probe", ProbeKind("readiness")),
        new("kube-linter", "startup-port", ["probe.port-not-exposed"], Unit.Container,
            "the same containers are reported for their startup probe", ProbeKind("startup")),
        new("kube-linter", "no-readiness-probe", ["probe.readiness-missing"], Unit.Container,
            "the same containers are reported"),
        new("kube-linter", "pdb-min-available", ["availability.pdb-blocks-eviction"], Unit.Object,
            "the same PodDisruptionBudgets are reported for minAvailable", BudgetField("minAvailable")),
        new("kube-linter", "pdb-max-unavailable", ["availability.pdb-blocks-eviction"], Unit.Object,
            "the same PodDisruptionBudgets are reported for maxUnavailable", BudgetField("maxUnavailable")),
        new("kube-linter", "unset-cpu-requirements", ["resources.requests-missing"], Unit.Container,
            "the same containers are reported for their CPU request", RequestOf("cpu")),
        new("kube-linter", "unset-memory-requirements", ["resources.memory-limit-missing"], Unit.Container,
            "the same containers are reported (kube-linter's default for this check is the memory limit)"),

        new("polaris", "readinessProbeMissing", ["probe.readiness-missing"], Unit.File, "failure* fires, success* does not"),
        new("polaris", "tagNotSpecified", ["image.mutable-tag"], Unit.File, "failure* fires, success* does not"),
        new("polaris", "pdbDisruptionsIsZero", ["availability.pdb-blocks-eviction"], Unit.File, "failure* fires, success* does not"),
        new("polaris", "memoryLimitsMissing", ["resources.memory-limit-missing"], Unit.File, "failure* fires, success* does not"),
        new("polaris", "memoryRequestsMissing", ["resources.requests-missing"], Unit.File, "failure* fires for the memory request, success* does not", RequestOf("memory")),
        new("polaris", "cpuRequestsMissing", ["resources.requests-missing"], Unit.File, "failure* fires for the CPU request, success* does not", RequestOf("cpu")),
    ];

    private const string NoService =
        "On purpose: probe.readiness-missing checks only workloads a Service selects (rule doc: \"a worker without a Service needs no readiness\"); the fixture has no Service.";

    private const string OpenShiftKind =
        "Scope: DeploymentConfig (apps.openshift.io/v1) is OpenShift's, not a Kubernetes workload kind; Faultline does not model it.";

    private const string BudgetWithoutPods =
        "On purpose: the fixture's budget selects no pods (no selector, no workload in the input), so it blocks no eviction; Faultline judges a budget by the pods it protects (rule doc: \"for the pods it selects\") and reports availability.pdb-matches-nothing instead.";


    /// <summary>Every case where Faultline and the peer disagree, with the reason. Anything else must agree.</summary>
    private static readonly Dictionary<string, string> Differences = new(StringComparer.Ordinal)
    {
        ["kube-score | Ingress targets Service | kube-score/ingress_issue363.yaml | *"] =
            "Invalid input: a networking.k8s.io/v1 Ingress written with the v1beta1 backend fields (serviceName/servicePort); upstream keeps it only to test that kube-score does not panic, and the API server rejects it. Faultline does not validate schemas; it reads the legacy fields whatever the apiVersion, and Service app-service with port name http exists, so no reference is broken.",
        ["kube-score | Container Resources | kube-score/pod-test-resources-limits-and-requests-no-cpu-limit.yaml | * | kube-score defaults"] =
            "On purpose: kube-score demands a CPU limit by default; Faultline has no CPU-limit rule (a CPU limit throttles rather than protects neighbours; only memory has resources.memory-limit-missing). With --ignore-container-cpu-limit kube-score agrees (next case).",

        ["kube-linter | latest-tag | kube-linter/latest-tag.yml | DeploymentConfig/app/app"] = OpenShiftKind,
        ["kube-linter | no-readiness-probe | kube-linter/no-readiness-probe.yml | Deployment/app1/app"] = NoService,
        ["kube-linter | no-readiness-probe | kube-linter/no-readiness-probe.yml | DeploymentConfig/app2/app"] = OpenShiftKind + " (Also no Service selects it.)",
        ["kube-linter | unset-cpu-requirements | kube-linter/unset-cpu-requirements.yml | DeploymentConfig/app2/app"] = OpenShiftKind,
        ["kube-linter | unset-memory-requirements | kube-linter/unset-memory-requirements.yml | DeploymentConfig/app2/app"] = OpenShiftKind,
        ["kube-linter | pdb-min-available | kube-linter/pdb-min-available.yaml | PodDisruptionBudget/baz"] =
            "Invalid input: Deployment foo has no spec.template (the API server requires one), so it has no pods for the budget to protect. kube-linter matches the budget against the Deployment's spec.selector; Faultline matches pod template labels, as the disruption controller matches pods, and reports availability.pdb-matches-nothing instead.",
        ["kube-linter | pdb-max-unavailable | kube-linter/pdb-max-unavailable.yaml | PodDisruptionBudget/foo"] = BudgetWithoutPods,

        ["polaris | readinessProbeMissing | polaris/readinessProbeMissing/failure.yaml | *"] = NoService,
        ["polaris | pdbDisruptionsIsZero | polaris/pdbDisruptionsIsZero/failure.either.yaml | *"] = BudgetWithoutPods,
        ["polaris | pdbDisruptionsIsZero | polaris/pdbDisruptionsIsZero/failure.max.yaml | *"] = BudgetWithoutPods,
        ["polaris | pdbDisruptionsIsZero | polaris/pdbDisruptionsIsZero/failure.min.yaml | *"] = BudgetWithoutPods,
    };

    /// <summary>kube-score: the rows of its EXPECTED.tsv for mapped checks, plus two tests that run with a configuration.</summary>
    private static IEnumerable<Case> KubeScoreCases()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(PeersDir, "kube-score", "EXPECTED.tsv")).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var cols = line.Split('\t');
            var (fixture, check, grade) = (cols[1], cols[2], cols[3]);
            Assert.True(Mappings.Any(m => m.Tool == "kube-score" && m.PeerCheck == check), $"kube-score/EXPECTED.tsv lists unmapped check '{check}'");
            var c = new Case("kube-score", check, $"kube-score/{fixture}", AnyInFile, grade != "GradeAllOK");
            if (seen.Add(c.Id))
            {
                yield return c;
            }
        }
        // score_test.go TestPodContainerResourceLimitCpuRequired / ...CpuNotRequired (testExpectedScoreWithConfig,
        // so not in EXPECTED.tsv): GradeCritical by default, GradeAllOK with IgnoreContainerCpuLimitRequirement.
        const string noCpuLimit = "kube-score/pod-test-resources-limits-and-requests-no-cpu-limit.yaml";
        yield return new("kube-score", "Container Resources", noCpuLimit, AnyInFile, true, "kube-score defaults");
        yield return new("kube-score", "Container Resources", noCpuLimit, AnyInFile, false, "--ignore-container-cpu-limit");
    }

    /// <summary>
    /// kube-linter: its e2e tests assert the number of reports and their messages ("Kind: text", no object names),
    /// so the subjects are spelled out here from the fixtures: those it reports, and the fixture's objects it must
    /// leave alone. <see cref="KubeLinter_ListedSubjects_MatchItsExpectedReports"/> checks them against EXPECTED.tsv.
    /// </summary>
    private static readonly (string Check, string Fixture, string[] Fires, string[] Silent)[] KubeLinterSubjects =
    [
        ("dangling-service", "dangling-service.yml", ["Service/app1", "Service/app2"], ["Service/dont-fire"]),
        ("dangling-ingress", "dangling-ingress.yml", ["Ingress/missing-service", "Ingress/bad-port"],
            ["Ingress/dont-fire", "Ingress/dont-fire-named-port", "Ingress/dont-fire-defaultbackend", "Ingress/dont-fire-resource"]),
        ("latest-tag", "latest-tag.yml", ["Deployment/app/app", "DeploymentConfig/app/app"], ["Deployment/dont-fire/app", "DeploymentConfig/dont-fire/app"]),
        ("liveness-port", "liveness-port.yml",
            ["Deployment//fire-deployment-name", "Deployment//fire-deployment-int", "Deployment//fire-deployment-udp", "StatefulSet//fire-stateful-name"],
            ["Deployment//dont-fire-deployment", "StatefulSet//dont-fire-stateful"]),
        ("readiness-port", "readiness-port.yml",
            ["Deployment//fire-deployment-name", "Deployment//fire-deployment-int", "Deployment//fire-deployment-udp", "Deployment//fire-deployment-grpc"],
            ["Deployment//dont-fire-deployment", "Deployment//dont-fire-deployment-grpc"]),
        ("startup-port", "startup-port.yml",
            ["Deployment//fire-deployment-name", "Deployment//fire-deployment-int", "Deployment//fire-deployment-udp", "Deployment//fire-deployment-grpc"],
            ["Deployment//dont-fire-deployment", "Deployment//dont-fire-deployment-grpc"]),
        ("no-readiness-probe", "no-readiness-probe.yml", ["Deployment/app1/app", "DeploymentConfig/app2/app"],
            ["Deployment/dont-fire/app", "DeploymentConfig/dont-fire/app", "Deployment/dont-fire/some-container"]),
        ("pdb-min-available", "pdb-min-available.yaml", ["PodDisruptionBudget/baz", "PodDisruptionBudget/baz2", "PodDisruptionBudget/baz3"], []),
        ("pdb-max-unavailable", "pdb-max-unavailable.yaml", ["PodDisruptionBudget/foo"], ["PodDisruptionBudget/baz"]),
        ("unset-cpu-requirements", "unset-cpu-requirements.yml", ["Deployment/app1/app", "DeploymentConfig/app2/app"], []),
        ("unset-memory-requirements", "unset-memory-requirements.yml", ["Deployment/app1/app", "DeploymentConfig/app2/app"], []),
    ];

    private static IEnumerable<Case> KubeLinterCases() =>
        KubeLinterSubjects.SelectMany(s =>
            s.Fires.Select(x => new Case("kube-linter", s.Check, $"kube-linter/{s.Fixture}", x, true))
                .Concat(s.Silent.Select(x => new Case("kube-linter", s.Check, $"kube-linter/{s.Fixture}", x, false))));

    /// <summary>Polaris: Peers/polaris/&lt;check&gt;/success* must pass, failure* must fire.</summary>
    private static IEnumerable<Case> PolarisCases()
    {
        foreach (var dir in Directory.GetDirectories(Path.Combine(PeersDir, "polaris")).Order(StringComparer.Ordinal))
        {
            var check = Path.GetFileName(dir);
            foreach (var file in Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal))
            {
                var fires = file!.StartsWith("failure", StringComparison.Ordinal);
                Assert.True(fires || file.StartsWith("success", StringComparison.Ordinal), $"polaris/{check}/{file}: only success* and failure* files are replayed");
                yield return new("polaris", check, $"polaris/{check}/{file}", AnyInFile, fires);
            }
        }
    }

    private static List<Case> CasesOf(string tool) => tool switch
    {
        "kube-score" => KubeScoreCases().ToList(),
        "kube-linter" => KubeLinterCases().ToList(),
        "polaris" => PolarisCases().ToList(),
        _ => throw new ArgumentOutOfRangeException(nameof(tool)),
    };

    [GeneratedRegex("container '([^']*)'")]
    private static partial Regex ContainerInMessage();

    private static List<Finding> Check(string fixture)
    {
        var path = Path.Combine("tests", "Faultline.Cli.Tests", "Peers", fixture);
        var (exit, stdout, stderr) = Repo.Run(["check", path, "--format", "json", "--fail-on", "none"]);
        Assert.True(exit == 0, $"faultline check {path} exited {exit}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => new Finding(
            f.GetProperty("ruleId").GetString()!,
            f.GetProperty("resource").GetProperty("kind").GetString() ?? "",
            f.GetProperty("resource").TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
            f.GetProperty("message").GetString() ?? "",
            f.GetProperty("evidence").GetString() ?? "")).ToList();
    }

    private static string SubjectOf(Finding f, Unit unit) => unit switch
    {
        Unit.File => AnyInFile,
        Unit.Object => $"{f.Kind}/{f.Name}",
        _ => $"{f.Kind}/{f.Name}/{ContainerInMessage().Match(f.Message).Groups[1].Value}",
    };

    [Theory]
    [InlineData("kube-score")]
    [InlineData("kube-linter")]
    [InlineData("polaris")]
    public void PeerFixtures_AgreeWithFaultline_ExceptListedDifferences(string tool)
    {
        var cases = CasesOf(tool);
        var findings = cases.Select(c => c.Fixture).Distinct().ToDictionary(f => f, Check);
        var problems = new List<string>();
        var rows = new List<string[]>();
        var (agree, intended, bugs) = (0, 0, 0);

        foreach (var c in cases)
        {
            var mapping = Mappings.Single(m => m.Tool == tool && m.PeerCheck == c.PeerCheck);
            var fired = findings[c.Fixture].Where(mapping.Matches).Select(f => SubjectOf(f, mapping.Unit)).ToHashSet(StringComparer.Ordinal);
            var ours = fired.Contains(c.Subject);
            var listed = Differences.TryGetValue(c.Id, out var reason);
            string verdict;
            if (ours == c.PeerFires)
            {
                verdict = "agree";
                agree++;
                if (listed)
                {
                    problems.Add($"{c.Id}: listed as a difference, but Faultline now agrees; remove it from Differences ({reason})");
                }
            }
            else if (listed)
            {
                var bug = reason!.StartsWith("BUG:", StringComparison.Ordinal);
                verdict = bug ? "BUG" : "differs on purpose";
                (bugs, intended) = bug ? (bugs + 1, intended) : (bugs, intended + 1);
            }
            else
            {
                verdict = "DISAGREES";
                problems.Add($"{c.Id}: {tool} expects {(c.PeerFires ? "a report" : "none")}, Faultline's {string.Join("/", mapping.Rules)} {(ours ? "fires" : "is silent")}");
            }
            rows.Add([c.PeerCheck + (c.Config is null ? "" : $" ({c.Config})"), c.Fixture[(tool.Length + 1)..], c.Subject,
                c.PeerFires ? "fires" : "-", ours ? "fires" : "-", verdict, listed ? reason! : ""]);
        }

        // Per-object comparisons: Faultline must not report an object of the fixture that the cases do not name.
        foreach (var group in cases.GroupBy(c => (c.PeerCheck, c.Fixture)))
        {
            var mapping = Mappings.Single(m => m.Tool == tool && m.PeerCheck == group.Key.PeerCheck);
            if (mapping.Unit == Unit.File)
            {
                continue;
            }
            foreach (var extra in findings[group.Key.Fixture].Where(mapping.Matches).Select(f => SubjectOf(f, mapping.Unit))
                .Except(group.Select(c => c.Subject), StringComparer.Ordinal).Distinct())
            {
                problems.Add($"{tool} | {group.Key.PeerCheck} | {group.Key.Fixture}: Faultline reports {extra}, which the case list does not name");
            }
        }

        output.WriteLine(Table(["peer check", "fixture", "subject", tool, "faultline", "verdict", "reason"], rows));
        output.WriteLine("");
        output.WriteLine($"{tool}: {cases.Count} cases compared, {agree} agree, {intended} differ on purpose, {bugs} suspected bugs (BUG:)");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Differences_NameExistingCases()
    {
        var ids = new[] { "kube-score", "kube-linter", "polaris" }.SelectMany(CasesOf).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);

        var unknown = Differences.Keys.Where(k => !ids.Contains(k)).ToList();

        Assert.True(unknown.Count == 0, "Differences name no case: " + string.Join("; ", unknown));
    }

    [Fact]
    public void PeerFixtures_EveryCopiedFileIsReplayed()
    {
        var used = new[] { "kube-score", "kube-linter", "polaris" }.SelectMany(CasesOf).Select(c => c.Fixture).ToHashSet(StringComparer.Ordinal);
        var copied = Directory.EnumerateFiles(PeersDir, "*.y*ml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(PeersDir, f).Replace(Path.DirectorySeparatorChar, '/'));

        var unused = copied.Where(f => !used.Contains(f)).Order(StringComparer.Ordinal).ToList();

        Assert.True(unused.Count == 0, "copied but not replayed (delete them): " + string.Join(", ", unused));
    }

    [Fact]
    public void KubeLinter_ListedSubjects_MatchItsExpectedReports()
    {
        var rows = File.ReadLines(Path.Combine(PeersDir, "kube-linter", "EXPECTED.tsv")).Skip(2).Where(l => l.Length > 0)
            .Select(l => l.Split('\t')).ToDictionary(c => c[0], c => c);

        foreach (var (check, fixture, fires, _) in KubeLinterSubjects)
        {
            Assert.True(rows.TryGetValue(check, out var row), $"kube-linter/EXPECTED.tsv has no row for {check}");
            Assert.Equal($"tests/checks/{fixture}", row[1]);
            var messages = row[4].Split(" || ");
            // Each message starts with the reported object's kind ("Deployment: ...").
            Assert.Equal(messages.Select(m => m[..m.IndexOf(':', StringComparison.Ordinal)]).Order(StringComparer.Ordinal),
                fires.Select(f => f[..f.IndexOf('/', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
            if (row[3].Length > 0)
            {
                Assert.Equal(int.Parse(row[3], CultureInfo.InvariantCulture), fires.Length);
            }
        }
    }

    private static string Table(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => i == header.Length - 1 ? 0 : Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        foreach (var r in rows.Prepend(header))
        {
            sb.AppendLine(string.Join("  ", r.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        }
        return sb.ToString();
    }
}
