using System.Globalization;
using System.Text;
using System.Xml;

namespace Faultline.Cli.Rendering;

/// <summary>JUnit XML: one test suite per rule, one test case per service; a finding is a failure.</summary>
internal static class JunitReport
{
    public static string Render(CheckReport report)
    {
        var services = report.Model.Services.Select(s => (s.Namespace, s.Name))
            .Concat(report.Model.Workloads.Select(w => (w.Namespace, report.Model.ComponentName(w))))
            .Concat(report.Result.Findings.Select(f => (f.Namespace, f.Service)))
            .Distinct()
            .OrderBy(s => s.Item1, StringComparer.Ordinal).ThenBy(s => s.Item2, StringComparer.Ordinal)
            .ToList();
        var byKey = report.Result.Findings.ToLookup(f => (f.RuleId, f.Namespace, f.Service));
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            w.WriteStartElement("testsuites");
            w.WriteAttributeString("name", "faultline check");
            w.WriteAttributeString("tests", (report.Result.RulesRun.Count * services.Count).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("failures", byKey.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var rule in report.Result.RulesRun)
            {
                var failures = services.Count(s => byKey.Contains((rule.Id, s.Item1, s.Item2)));
                w.WriteStartElement("testsuite");
                w.WriteAttributeString("name", rule.Id);
                w.WriteAttributeString("tests", services.Count.ToString(CultureInfo.InvariantCulture));
                w.WriteAttributeString("failures", failures.ToString(CultureInfo.InvariantCulture));
                w.WriteAttributeString("errors", "0");
                foreach (var (ns, service) in services)
                {
                    w.WriteStartElement("testcase");
                    w.WriteAttributeString("classname", rule.Id);
                    w.WriteAttributeString("name", $"{ns}/{service}");
                    var findings = byKey[(rule.Id, ns, service)].ToList();
                    if (findings.Count > 0)
                    {
                        w.WriteStartElement("failure");
                        w.WriteAttributeString("type", findings.Max(f => f.Severity).ToString().ToLowerInvariant());
                        w.WriteAttributeString("message", findings[0].Message);
                        w.WriteString(string.Join("\n\n", findings.Select(f =>
                            $"{f.Location}: {f.Severity.ToString().ToLowerInvariant()}: {f.Message}\nassumes: {f.Assumption}\nevidence: {f.Evidence}\nfix: {f.Remediation}")));
                        w.WriteEndElement();
                    }
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        return sb.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + "\n";
    }
}
