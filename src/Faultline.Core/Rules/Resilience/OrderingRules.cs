using Faultline.Core.Contracts;
using Faultline.Core.Findings;
using Faultline.Core.Model;

namespace Faultline.Core.Rules.Resilience;

/// <summary>Who relies on per-key order of a topic, and who produces to it with which key.</summary>
internal static class TopicUse
{
    public static IEnumerable<(ServiceAssumptions Service, TopicAssumption Topic)> OrderedConsumers(SystemModel model, string topic) =>
        model.Contracts.Assumptions.SelectMany(a => a.Topics.Where(t => !t.Produces && t.Topic == topic && t.Key is not null).Select(t => (a, t)));

    public static IEnumerable<(ServiceAssumptions Service, TopicAssumption Topic)> Producers(SystemModel model, string topic) =>
        model.Contracts.Assumptions.SelectMany(a => a.Topics.Where(t => t.Produces && t.Topic == topic).Select(t => (a, t)));

    /// <summary>Where a statement was made; AsyncAPI ones say so.</summary>
    public static string Where(TopicAssumption t) => t.FromAsyncApi ? $"AsyncAPI {t.Location}" : t.Location.ToString();

    public static Finding Make(RuleContext context, string service, string ns, Documents.SourceLocation location, string message, string assumption, string evidence, IReadOnlyList<string> consumers) =>
        (context.Model.FindService(ns, service) is { } s
            ? context.ForObject(s.Manifest, service, null, message, assumption, evidence)
            : new Finding
            {
                RuleId = context.Rule.Id,
                Severity = context.Rule.DefaultSeverity,
                Service = service,
                Namespace = ns,
                ResourceKind = "Topic",
                ResourceName = service,
                Location = location,
                Message = message,
                Assumption = assumption,
                Evidence = evidence,
                Remediation = context.Rule.Remediation,
            }) with { Location = location, Consumers = consumers, ReachesThroughConsumers = true };
}

internal sealed class OrderingPartitionsChangedRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "ordering.partitions-changed",
        Severity.High,
        "Partition count changed under an ordering consumer",
        "A topic's partition count changed while a consumer relies on per-key ordering.",
        "Keep the partition count, or migrate to a new topic (drain the old one first) so no key is read from two partitions.",
        """
        Kafka maps a key to a partition by hash modulo the partition count. Changing the count moves most keys to
        another partition: records of one key written before and after the change sit in two partitions and can be
        read out of order. Consumers that declared `ordering: <field>` in faultline.yaml are hurt. Partition counts come
        from Strimzi KafkaTopic resources and from AsyncAPI Kafka channel bindings (`bindings.kafka.partitions`, with
        `bindings.kafka.topic` naming the topic when it differs from the address); a KafkaTopic wins over a binding for
        the same topic, and a disagreement between them is reported as a warning. Runs only with `--base`.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        if (context.Change is not { } change)
        {
            yield break;
        }
        foreach (var head in change.Head.Topics)
        {
            var before = change.Base.Topics.FirstOrDefault(t => t.Name == head.Name && t.Namespace == head.Namespace);
            if (before?.Partitions is not { } oldCount || head.Partitions is not { } newCount || oldCount == newCount)
            {
                continue;
            }
            var consumers = TopicUse.OrderedConsumers(change.Head, head.Name).ToList();
            if (consumers.Count == 0)
            {
                continue;
            }
            var names = consumers.Select(c => c.Service.Service).Distinct().ToList();
            yield return TopicUse.Make(context, consumers[0].Service.Service, head.Namespace, head.Location,
                $"topic {head.Name} goes from {oldCount} to {newCount} partitions, while {string.Join(", ", names)} rel{(names.Count == 1 ? "ies" : "y")} on per-{consumers[0].Topic.Key} order",
                $"all records of one {consumers[0].Topic.Key} stay in one partition",
                $"{head.Source} {head.Name}: base {before.Location}, head {head.Location}", names);
        }
    }
}

internal sealed class OrderingKeyChangedRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "ordering.key-changed",
        Severity.High,
        "Producer key changed under an ordering consumer",
        "A producer's message key for a topic changed while a consumer relies on per-key ordering.",
        "Keep the key, or move consumers to a new topic; never change the key of a live ordered stream.",
        """
        The key decides the partition, and the partition decides the order. A producer that starts keying by another
        field spreads one entity's records over partitions, so a consumer that relies on their order sees them
        shuffled. Keys come from faultline.yaml `produces` and, for services that say nothing there about the topic,
        from the AsyncAPI message binding `bindings.kafka.key` of a message the service sends: the payload field it
        names (`x-faultline-field`, a `$ref` to a payload property, or a `title` that is a payload property's name),
        else the key schema itself, compared in a canonical form. Runs only with `--base`.
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        if (context.Change is not { } change)
        {
            yield break;
        }
        foreach (var (producer, topic) in change.Head.Contracts.Assumptions.SelectMany(a => a.Topics.Where(t => t.Produces).Select(t => (a, t))))
        {
            var before = TopicUse.Producers(change.Base, topic.Topic).FirstOrDefault(p => p.Service.Service == producer.Service);
            if (before.Topic is null || before.Topic.SameKey(topic))
            {
                continue;
            }
            var consumers = TopicUse.OrderedConsumers(change.Head, topic.Topic).Select(c => c.Service.Service).Distinct().ToList();
            if (consumers.Count == 0)
            {
                continue;
            }
            yield return TopicUse.Make(context, producer.Service, producer.Namespace ?? "default", topic.Location,
                $"{producer.Service} now keys topic {topic.Topic} by {topic.DescribeKey()} instead of {before.Topic.DescribeKey()}, while {string.Join(", ", consumers)} rel{(consumers.Count == 1 ? "ies" : "y")} on its order",
                $"records of one entity keep one key on {topic.Topic}",
                $"base {TopicUse.Where(before.Topic)}, head {TopicUse.Where(topic)}", consumers);
        }
    }
}

internal sealed class OrderingKeyNotProducedRule : Rule
{
    public override RuleInfo Info { get; } = new(
        "ordering.key-not-produced",
        Severity.High,
        "Consumer relies on ordering by a field the producer does not key by",
        "A consumer relies on per-field ordering of a topic, but a producer of that topic does not use that field as the key.",
        "Key the producer by the field the consumer orders by, or make the consumer tolerate reordering.",
        """
        Kafka only orders records within a partition, and only the key decides the partition. A consumer that
        assumes all records of one `orderId` arrive in order is wrong unless every producer keys by `orderId`.
        Declared in faultline.yaml (`consumes: [{topic, ordering}]`, `produces: [{topic, key}]`); a producer's key also
        comes from the AsyncAPI message binding `bindings.kafka.key` when the binding says which payload field it is
        (a key schema that names no field is not known to differ, so it does not fire).
        """);

    public override IEnumerable<Finding> Check(RuleContext context)
    {
        foreach (var (consumer, topic) in context.Model.Contracts.Assumptions.SelectMany(a => a.Topics.Where(t => !t.Produces && t.Key is not null).Select(t => (a, t))))
        {
            foreach (var (producer, produced) in TopicUse.Producers(context.Model, topic.Topic))
            {
                if (produced.Key == topic.Key || produced.Key is null && produced.KeySchema is not null)
                {
                    continue;
                }
                yield return TopicUse.Make(context, producer.Service, producer.Namespace ?? "default", produced.Location,
                    $"{consumer.Service} relies on per-{topic.Key} order of {topic.Topic}, but {producer.Service} keys it by {produced.Key ?? "nothing (records spread over all partitions)"}",
                    $"every producer of {topic.Topic} keys by {topic.Key}",
                    $"consumer {topic.Location}, producer {TopicUse.Where(produced)}", [consumer.Service]);
            }
        }
    }
}
