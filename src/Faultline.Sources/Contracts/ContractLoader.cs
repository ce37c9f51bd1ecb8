using Faultline.Core.Contracts;
using Faultline.Core.Documents;
using Faultline.Sources.AsyncApi;
using Faultline.Sources.OpenApi;
using Faultline.Sources.Yaml;

namespace Faultline.Sources.Contracts;

/// <summary>
/// Collects interfaces and consumer expectations from the input: specs attached by the annotations
/// faultline.dev/openapi on a workload or Service, by a faultline.yaml `provides.openapi`, or by Backstage
/// (Component providesApis -> API definition, inline or $text); expectations from faultline.yaml `consumes`,
/// Backstage consumesApis, and pact files. Paths are relative to the file that names them.
/// </summary>
public static class ContractLoader
{
    public const string OpenApiAnnotation = "faultline.dev/openapi";
    public const string AsyncApiAnnotation = "faultline.dev/asyncapi";

    public static ContractSet Load(
        IReadOnlyList<Manifest> manifests,
        IReadOnlyList<(string File, MapNode Root)> others,
        List<InputDiagnostic> diagnostics,
        Func<string, string?>? readFile = null)
    {
        var interfaces = new List<ServiceInterface>();
        var expectations = new List<ConsumerExpectation>();
        var assumptions = new List<ServiceAssumptions>();
        var specCache = new Dictionary<string, ApiSpec?>(StringComparer.Ordinal);
        var topicSchemas = new List<(ServiceAssumptions Service, Manifest Declared)>();

        // Each file is read once, however many existence checks, specs and schemas touch it.
        var texts = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? Read(string path) => texts.TryGetValue(path, out var text) ? text : texts[path] = (readFile ?? OpenApiReader.ReadFromDisk)(path);

        ApiSpec? Document(string kind, string path, SourceLocation declaredAt, Func<string, ApiSpec?> read)
        {
            var key = kind + ":" + path;
            if (!specCache.TryGetValue(key, out var spec))
            {
                if (Read(path) is null)
                {
                    diagnostics.Add(new(DiagnosticLevel.Error, declaredAt, $"{kind} {path} does not exist"));
                    spec = null;
                }
                else
                {
                    spec = read(path);
                }
                specCache[key] = spec;
            }
            return spec;
        }

        ApiSpec? Spec(string path, SourceLocation declaredAt) => Document("API spec", path, declaredAt, p => OpenApiReader.Read(p, diagnostics, Read));

        ApiSpec? AsyncSpec(string path, SourceLocation declaredAt) => Document("AsyncAPI document", path, declaredAt, p => AsyncApiReader.Read(p, diagnostics, Read));

        // A service with an HTTP and a messaging interface has one interface holding both kinds of operations.
        void AddInterface(ServiceInterface added)
        {
            var index = interfaces.FindIndex(i => i.Service == added.Service && i.Namespace == added.Namespace);
            if (index < 0)
            {
                interfaces.Add(added);
                return;
            }
            var existing = interfaces[index];
            interfaces[index] = existing with { Spec = existing.Spec with
            {
                Operations = [.. existing.Spec.Operations, .. added.Spec.Operations],
                DescribesHttp = existing.Spec.DescribesHttp || added.Spec.DescribesHttp,
            } };
        }

        foreach (var m in manifests)
        {
            if (AssumptionDocuments.IsAssumptions(m))
            {
                if (AssumptionDocuments.Read(m, diagnostics) is not { } a)
                {
                    continue;
                }
                assumptions.Add(a);
                topicSchemas.Add((a, m));
                expectations.AddRange(AssumptionDocuments.Expectations(m));
                if (a.OpenApi is { } openapi && Spec(Relative(m.Location.File, openapi), m.Location) is { } spec)
                {
                    AddInterface(new ServiceInterface(a.Service, a.Namespace ?? m.Namespace, spec, "Assumptions", m.Location));
                }
                if (a.AsyncApi is { } asyncapi && AsyncSpec(Relative(m.Location.File, asyncapi), m.Location) is { } messages)
                {
                    AddInterface(new ServiceInterface(a.Service, a.Namespace ?? m.Namespace, messages, "Assumptions", m.Location));
                }
            }
            else if (m.Kind is not ("ConfigMap" or "Secret"))
            {
                if (m.Annotations.TryGetValue(OpenApiAnnotation, out var annotated) && Spec(Relative(m.Location.File, annotated), m.Location) is { } spec)
                {
                    AddInterface(new ServiceInterface(m.Name, m.Namespace, spec, m.Kind, m.Location));
                }
                if (m.Annotations.TryGetValue(AsyncApiAnnotation, out var asyncAnnotated) && AsyncSpec(Relative(m.Location.File, asyncAnnotated), m.Location) is { } messages)
                {
                    AddInterface(new ServiceInterface(m.Name, m.Namespace, messages, m.Kind, m.Location));
                }
            }
        }
        foreach (var (a, m) in topicSchemas)
        {
            AddTopicSchemas(a, m, interfaces, diagnostics, Read, AddInterface);
        }
        TopicConsumers(interfaces, assumptions, expectations);
        ReadBackstage(manifests, interfaces, expectations, diagnostics, Read, Spec);
        foreach (var (file, root) in others)
        {
            if (PactReader.IsPact(root))
            {
                expectations.AddRange(PactReader.Read(file, root, diagnostics));
            }
        }
        return new ContractSet(interfaces, expectations, assumptions);
    }

    private static void ReadBackstage(
        IReadOnlyList<Manifest> manifests,
        List<ServiceInterface> interfaces,
        List<ConsumerExpectation> expectations,
        List<InputDiagnostic> diagnostics,
        Func<string, string?> readFile,
        Func<string, SourceLocation, ApiSpec?> spec)
    {
        var components = manifests.Where(m => AssumptionDocuments.IsBackstage(m) && m.Kind == "Component").ToList();
        var apis = manifests.Where(m => AssumptionDocuments.IsBackstage(m) && m.Kind == "API").ToDictionary(m => m.Name, StringComparer.Ordinal);
        var providerOf = new Dictionary<string, Manifest>(StringComparer.Ordinal);
        foreach (var c in components)
        {
            foreach (var api in Names(c, "providesApis"))
            {
                providerOf.TryAdd(api, c);
                if (apis.TryGetValue(api, out var entity) && entity.Root.Map("spec")?.Str("type") == "openapi"
                    && Definition(entity, diagnostics, readFile, spec) is { } s)
                {
                    interfaces.Add(new ServiceInterface(c.Name, c.Namespace, s, "Backstage", entity.Location));
                }
            }
        }
        foreach (var c in components)
        {
            foreach (var api in Names(c, "consumesApis"))
            {
                if (providerOf.TryGetValue(api, out var provider))
                {
                    expectations.Add(new ConsumerExpectation(c.Name, provider.Name, null, null, null, [], [], ExpectationOrigin.Backstage, c.Location));
                }
            }
            // dependsOn names other components (and resources such as databases, which have no API to break).
            foreach (var target in c.Root.Map("spec")?.List("dependsOn")?.Items.Select(i => i.Text).OfType<string>() ?? [])
            {
                var kind = target.Contains(':') ? target[..target.IndexOf(':')] : "component";
                var name = EntityName(target);
                if (kind.Equals("component", StringComparison.OrdinalIgnoreCase) && name != c.Name)
                {
                    expectations.Add(new ConsumerExpectation(c.Name, name, null, null, null, [], [], ExpectationOrigin.Backstage, c.Location));
                }
            }
        }
    }

    /// <summary>
    /// The messages of faultline.yaml `produces` entries with a `schema`. A topic the service's AsyncAPI document
    /// already sends keeps that message: the schema file is not used, and a warning says so.
    /// </summary>
    private static void AddTopicSchemas(ServiceAssumptions a, Manifest declared, List<ServiceInterface> interfaces, List<InputDiagnostic> diagnostics,
        Func<string, string?> readFile, Action<ServiceInterface> add)
    {
        var ns = a.Namespace ?? declared.Namespace;
        var sent = interfaces.FirstOrDefault(i => i.Service == a.Service && i.Namespace == ns)?.Spec.Operations.Select(o => o.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        var operations = new List<ApiOperation>();
        foreach (var op in TopicSchemaReader.Read(declared.Location.File, a.Topics, diagnostics, readFile))
        {
            if (sent.Contains(op.Key))
            {
                var topic = a.Topics.First(t => t.Produces && ApiOperation.PathOf(t.Topic) == op.Path);
                diagnostics.Add(new(DiagnosticLevel.Warning, topic.Location,
                    $"{a.Service} already sends topic {topic.Topic} in its AsyncAPI document; the schema {topic.Schema} is not used"));
                continue;
            }
            operations.Add(op);
        }
        if (operations.Count > 0)
        {
            add(new ServiceInterface(a.Service, ns, new ApiSpec($"{a.Service} topics", "", declared.Location, operations) { DescribesHttp = false }, "Assumptions", declared.Location));
        }
    }

    /// <summary>
    /// Who reads what a service sends: a faultline.yaml `consumes: - topic: T`, or an AsyncAPI receive on the
    /// same channel. Such a consumer reads the messages of that topic without saying which fields, so a change to
    /// them is reported at medium severity with the consumer named, and a topic no longer sent at high.
    /// </summary>
    private static void TopicConsumers(List<ServiceInterface> interfaces, List<ServiceAssumptions> assumptions, List<ConsumerExpectation> expectations)
    {
        var readers = TopicReader.Of(assumptions, interfaces).ToList();
        foreach (var producer in interfaces)
        {
            var sent = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var o in producer.Spec.Operations.Where(o => o.Method == ApiOperation.Send))
            {
                foreach (var name in o.TopicNames())
                {
                    sent.TryAdd(name, o.Path);
                }
            }
            var added = new HashSet<(string, string, SourceLocation)>();
            foreach (var (service, topic, reads, location) in readers.Where(r => r.Service != producer.Service))
            {
                if (sent.TryGetValue(topic, out var path) && added.Add((service, path, location)))
                {
                    expectations.Add(new ConsumerExpectation(service, producer.Service, producer.Namespace, ApiOperation.Send, path, reads, [], ExpectationOrigin.Assumptions, location));
                }
            }
        }
    }

    private static IEnumerable<string> Names(Manifest m, string key) =>
        m.Root.Map("spec")?.List(key)?.Items.Select(i => i.Text).OfType<string>().Select(EntityName) ?? [];

    /// <summary>"component:default/payment", "api:petstore" or "payment" as the bare entity name.</summary>
    private static string EntityName(string reference)
    {
        var name = reference.Contains(':') ? reference[(reference.IndexOf(':') + 1)..] : reference;
        return name.Contains('/') ? name[(name.LastIndexOf('/') + 1)..] : name;
    }

    private static ApiSpec? Definition(Manifest entity, List<InputDiagnostic> diagnostics, Func<string, string?> readFile, Func<string, SourceLocation, ApiSpec?> spec)
    {
        var definition = entity.Root.Map("spec")?["definition"];
        if (definition is MapNode { } m && m.Str("$text") is { } text)
        {
            return text.Contains("://", StringComparison.Ordinal) ? null : spec(Relative(entity.Location.File, text), entity.At(m));
        }
        if (definition is ScalarNode { } inline)
        {
            // An inline definition is read as its own file, named after the entity.
            var name = $"{entity.Location.File}#API/{entity.Name}";
            return OpenApiReader.Read(name, diagnostics, path => path == name ? inline.Value : readFile(path));
        }
        return null;
    }

    internal static string Relative(string manifestFile, string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }
        var dir = Path.GetDirectoryName(manifestFile.EndsWith(" (rendered)", StringComparison.Ordinal) ? manifestFile[..^11] : manifestFile) ?? "";
        return Path.Combine(dir, path);
    }
}
