using System.CommandLine;
using Faultline.Cli.Rendering;
using Faultline.Core.Documents;
using Faultline.Core.Images;
using Faultline.Integrations.Docker;
using Faultline.Integrations.Registry;
using Faultline.Sources.Images;

namespace Faultline.Cli.Commands;

/// <summary>`faultline images prune` and `faultline images plan`: image retention on a host or in a registry.</summary>
internal static class ImagesCommand
{
    public static Command Create(ConsoleIo io)
    {
        var images = new Command("images", "Image retention that never deletes what runs, on a Docker host or in a registry.");
        images.Subcommands.Add(Build(io, "prune", "Plan (or with --apply, carry out) the removal of old images of the named repositories: never what a container uses, the newest N, recent ones, protected ones, or a running container's rollback target.", plan: false));
        images.Subcommands.Add(Build(io, "plan", "Print the retention plan of a policy file (nothing is removed).", plan: true));
        return images;
    }

    private static Command Build(ConsoleIo io, string name, string description, bool plan)
    {
        var repo = new Option<string[]>("--repo") { Description = "Repositories whose images are candidates (REPO[,REPO], repeatable, globs allowed). Default with --policy: those its rules match." };
        var keep = new Option<int?>("--keep") { Description = $"Keep the newest N images of each repository (default {RetentionPolicy.DefaultKeep}; a policy rule's keep wins for its repositories)." };
        var keepWithin = new Option<string?>("--keep-within") { Description = "Also keep images created within this age (7d, 12h, 2w, 1d12h)." };
        var protect = new Option<string[]>("--protect") { Description = "Never remove this tag (TAG or REPO:TAG) or image (sha256:DIGEST, or an id prefix); repeatable." };
        var policy = new Option<string?>("--policy") { Description = "A retention policy file (YAML): defaults and rules per repository glob.", Required = plan };
        var apply = new Option<bool>("--apply") { Description = "Remove what the plan says, tag by tag on a host, digest by digest in a registry." };
        var dockerHost = new Option<string?>("--docker-host") { Description = $"The Docker engine: unix:///path or tcp://HOST:PORT. Default: DOCKER_HOST, else {DockerEngine.DefaultHost}." };
        var registry = new Option<string?>("--registry") { Description = "Work on a registry (http://127.0.0.1:5000, https://registry.example.com) instead of the Docker host." };
        var dockerConfig = new Option<string?>("--docker-config") { Description = "The docker config.json with registry credentials. Default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json." };
        var format = new Option<string>("--format", "-f") { Description = "Output format: text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command(name, description) { repo, keep, keepWithin, protect, policy, dockerHost, registry, dockerConfig, format };
        if (!plan)
        {
            command.Add(apply);
        }
        command.SetAction(parse =>
        {
            var retention = Policy(io, parse.GetValue(repo) ?? [], parse.GetValue(keep), parse.GetValue(keepWithin), parse.GetValue(protect) ?? [], parse.GetValue(policy));
            if (retention is null)
            {
                return ExitCodes.UsageOrInput;
            }
            var options = new RunOptions(
                retention,
                !plan && parse.GetValue(apply),
                parse.GetValue(format) == "json",
                parse.GetValue(dockerHost),
                parse.GetValue(registry),
                parse.GetValue(dockerConfig));
            return options.Registry is null ? RunHost(io, options) : RunRegistry(io, options);
        });
        return command;
    }

    private sealed record RunOptions(RetentionPolicy Policy, bool Apply, bool Json, string? DockerHost, string? Registry, string? DockerConfig);

    /// <summary>The policy: a rule's own values, then the command line, then the file's defaults, then the built-in defaults.</summary>
    private static RetentionPolicy? Policy(ConsoleIo io, string[] repos, int? keep, string? keepWithin, string[] protect, string? policyFile)
    {
        var repositories = repos.SelectMany(r => r.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
        if (keep is < 0)
        {
            throw new UsageException($"--keep must be 0 or more (got {keep})");
        }
        TimeSpan? within = null;
        if (keepWithin is not null)
        {
            within = RetentionAge.Parse(keepWithin) ?? throw new UsageException($"--keep-within must be an age such as 7d, 12h, 2w or 1d12h (got '{keepWithin}')");
        }
        var file = RetentionPolicyFileContent.Empty;
        if (policyFile is not null)
        {
            if (!File.Exists(policyFile))
            {
                throw new UsageException($"--policy: {policyFile} does not exist");
            }
            var diagnostics = new List<InputDiagnostic>();
            file = RetentionPolicyFile.Load(policyFile, diagnostics);
            Inputs.PrintDiagnostics(io, diagnostics, false);
            if (diagnostics.Any(d => d.Level == DiagnosticLevel.Error))
            {
                io.Stderr.WriteLine("faultline: the policy file has errors; see above.");
                return null;
            }
        }
        if (repositories.Count == 0 && file.Rules.Count == 0)
        {
            throw new UsageException(policyFile is null
                ? "name the repositories to prune with --repo REPO[,REPO] (or give a --policy file with rules): nothing outside them is touched"
                : $"--policy {policyFile} has no rules, so no repository is a candidate; add rules or name repositories with --repo");
        }
        return new RetentionPolicy
        {
            Keep = keep ?? file.Keep ?? RetentionPolicy.DefaultKeep,
            KeepWithin = within ?? file.KeepWithin,
            KeepTags = file.KeepTags,
            Protect = [.. file.Protect, .. protect],
            Rules = file.Rules,
            Repositories = repositories,
        };
    }

    private static int RunHost(ConsoleIo io, RunOptions options)
    {
        DockerEngine engine;
        try
        {
            engine = DockerEngine.Connect(options.DockerHost);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        using (engine)
        {
            RetentionPlan plan;
            try
            {
                var images = engine.ListImagesAsync().GetAwaiter().GetResult();
                var containers = engine.ListContainersAsync().GetAwaiter().GetResult();
                plan = RetentionPlanner.Plan(images, containers, options.Policy, TimeProvider.System.GetUtcNow());
                NoteMissing(io, options.Policy, plan, "on the host");
            }
            catch (DockerEngineException e)
            {
                io.Stderr.WriteLine($"faultline: {e.Message}");
                return e.Unreachable ? ExitCodes.Undecided : ExitCodes.UsageOrInput;
            }
            var report = new ImagesReport(plan, "host", engine.Endpoint, options.Apply, TimeProvider.System.GetUtcNow());
            if (!options.Apply)
            {
                io.Stdout.Write(options.Json ? ImagesRender.Json(report) : ImagesRender.Text(report));
                return ExitCodes.Ok;
            }
            if (!options.Json)
            {
                io.Stdout.Write(ImagesRender.Text(report));
            }
            var results = HostPruner.ApplyAsync(engine, plan, r => Progress(io, options, r)).GetAwaiter().GetResult();
            return Finish(io, options, report with { Results = results });
        }
    }

    private static int RunRegistry(ConsoleIo io, RunOptions options)
    {
        RegistryClient client;
        try
        {
            client = RegistryClient.Create(options.Registry!, options.DockerConfig);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        using (client)
        {
            RetentionPlan plan;
            try
            {
                var literal = options.Policy.Repositories.Count > 0 && options.Policy.Repositories.All(r => !r.AsSpan().ContainsAny('*', '?'));
                var names = literal ? options.Policy.Repositories : client.CatalogAsync().GetAwaiter().GetResult().Where(options.Policy.IsCandidate).ToList();
                var images = new List<ImageRecord>();
                foreach (var name in names)
                {
                    images.AddRange(client.ReadRepositoryAsync(name).GetAwaiter().GetResult());
                }
                plan = RetentionPlanner.PlanRegistry(images, options.Policy, TimeProvider.System.GetUtcNow());
                NoteMissing(io, options.Policy, plan, $"with tags in {client.Registry}");
            }
            catch (RegistryException e)
            {
                io.Stderr.WriteLine($"faultline: {e.Message}");
                return e.Unreachable ? ExitCodes.Undecided : ExitCodes.UsageOrInput;
            }
            var report = new ImagesReport(plan, "registry", client.Registry.ToString(), options.Apply, TimeProvider.System.GetUtcNow());
            if (!options.Apply)
            {
                io.Stdout.Write(options.Json ? ImagesRender.Json(report) : ImagesRender.Text(report));
                return ExitCodes.Ok;
            }
            if (!options.Json)
            {
                io.Stdout.Write(ImagesRender.Text(report));
            }
            var results = RegistryPruner.ApplyAsync(client, plan, r => Progress(io, options, r)).GetAwaiter().GetResult();
            return Finish(io, options, report with { Results = results });
        }
    }

    private static void NoteMissing(ConsoleIo io, RetentionPolicy policy, RetentionPlan plan, string where)
    {
        foreach (var repository in policy.Repositories.Where(r => !r.AsSpan().ContainsAny('*', '?') && !plan.Repositories.Contains(r)))
        {
            io.Stderr.WriteLine($"faultline: note: no images of repository {repository} {where}");
        }
    }

    private static void Progress(ConsoleIo io, RunOptions options, RemovalResult result)
    {
        var line = ImagesRender.ResultLine(result);
        (options.Json ? io.Stderr : io.Stdout).WriteLine(line);
    }

    /// <summary>0 when every planned removal happened (or was already done), 1 when some failed or were skipped.</summary>
    private static int Finish(ConsoleIo io, RunOptions options, ImagesReport report)
    {
        if (options.Json)
        {
            io.Stdout.Write(ImagesRender.Json(report));
        }
        else
        {
            io.Stdout.Write(ImagesRender.ApplySummary(report));
        }
        return report.Results!.Any(r => r.Outcome is RemovalOutcome.Failed or RemovalOutcome.Skipped) ? ExitCodes.Findings : ExitCodes.Ok;
    }
}
