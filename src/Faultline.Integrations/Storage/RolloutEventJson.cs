using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Faultline.Core.Canary;
using Faultline.Core.Judge;

namespace Faultline.Integrations.Storage;

/// <summary>Rollout events to and from the store's (kind, JSON) pairs; a rollout's stream is <c>rollout/NAME</c>.</summary>
public static class RolloutEventJson
{
    public static string Stream(string rollout) => "rollout/" + rollout;

    public static NewEvent Write(RolloutEvent e)
    {
        var json = new JsonObject { ["at"] = Time(e.At) };
        string kind;
        switch (e)
        {
            case RolloutStarted s:
                kind = "started";
                json["file"] = s.File;
                json["digest"] = s.Digest;
                json["steps"] = s.Steps;
                break;
            case StepStarted s:
                kind = "step-started";
                json["step"] = s.Step;
                json["weight"] = s.Weight;
                break;
            case Looked l:
                kind = "look";
                json["step"] = l.Step;
                json["look"] = JsonNode.Parse(LookRecords.Write(new LookRecord(l.From, l.To, l.Baseline, l.Canary, l.Missing)));
                break;
            case Decided d:
                kind = "decision";
                json["step"] = d.Step;
                json["verdict"] = d.Verdict.ToString().ToLowerInvariant();
                json["action"] = d.Action.ToString().ToLowerInvariant();
                json["summary"] = d.Summary;
                break;
            case RollbackStarted r:
                kind = "rollback-started";
                json["reason"] = r.Reason;
                break;
            case RolledBack:
                kind = "rolled-back";
                break;
            case Paused p:
                kind = "paused";
                json["reason"] = p.Reason;
                break;
            case Resumed r:
                kind = "resumed";
                json["step"] = r.Step;
                break;
            case Completed:
                kind = "completed";
                break;
            default:
                throw new ArgumentException($"unknown rollout event {e.GetType().Name}");
        }
        return new NewEvent(kind, json.ToJsonString());
    }

    /// <summary>An event read back; a kind this version does not know is an error naming it (the store is newer than the program).</summary>
    public static RolloutEvent Read(StoredEvent stored)
    {
        var json = JsonNode.Parse(stored.Data) as JsonObject ?? throw new JsonException($"event {stored.Version} of {stored.Stream} is not a JSON object");
        var at = DateTimeOffset.Parse(json["at"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        int Int(string key) => json[key]!.GetValue<int>();
        string Str(string key) => json[key]?.GetValue<string>() ?? "";
        return stored.Kind switch
        {
            "started" => new RolloutStarted(at, Str("file"), Str("digest"), Int("steps")),
            "step-started" => new StepStarted(at, Int("step"), Int("weight")),
            "look" => Look(at, Int("step"), json["look"]!.ToJsonString()),
            "decision" => new Decided(at, Int("step"), Enum.Parse<Verdict>(Str("verdict"), ignoreCase: true), Enum.Parse<RolloutAction>(Str("action"), ignoreCase: true), Str("summary")),
            "rollback-started" => new RollbackStarted(at, Str("reason")),
            "rolled-back" => new RolledBack(at),
            "paused" => new Paused(at, Str("reason")),
            "resumed" => new Resumed(at, Int("step")),
            "completed" => new Completed(at),
            _ => throw new JsonException($"event {stored.Version} of {stored.Stream} has the unknown kind '{stored.Kind}' (written by a newer Faultline?)"),
        };
    }

    private static Looked Look(DateTimeOffset at, int step, string text)
    {
        var look = LookRecords.Read(text);
        return new Looked(at, step, look.From, look.To, look.Baseline, look.Canary, look.Missing);
    }

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
