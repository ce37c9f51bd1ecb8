using System.CommandLine;
using Faultline.Integrations.Storage;
using Faultline.Server.Hosting;

namespace Faultline.Cli.Commands;

/// <summary>`faultline serve`: the judge as an HTTP service for Argo Rollouts, Flagger and Kayenta.</summary>
internal static class ServeCommand
{
    public static Command Create(ConsoleIo io)
    {
        var listen = new Option<string>("--listen") { Description = $"HOST:PORT to listen on (default {ServeOptions.DefaultListen}; 0.0.0.0:PORT for every interface).", DefaultValueFactory = _ => ServeOptions.DefaultListen };
        var store = new Option<string>("--store") { Description = "Where analyses keep their state: sqlite:PATH (default sqlite:faultline-state.db), postgres:CONNSTRING or a postgres:// URL for several replicas.", DefaultValueFactory = _ => "sqlite:faultline-state.db" };
        var tokenFiles = new Option<string[]>("--token-file") { Description = "File of bearer tokens, one per line; repeatable (rotation: old and new tokens both work). Required.", Required = true, AllowMultipleArgumentsPerToken = false };
        var maxBody = new Option<long>("--max-body-bytes") { Description = $"Largest request body accepted (default {ServeOptions.DefaultMaxBodyBytes}); larger is 413.", DefaultValueFactory = _ => ServeOptions.DefaultMaxBodyBytes };
        var command = new Command("serve", "Serve the judge over HTTP: analyses, Argo Rollouts web metrics, Flagger webhooks, Kayenta's remote judge.")
        {
            listen, store, tokenFiles, maxBody,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var options = new ServeOptions
            {
                Listen = parse.GetValue(listen)!,
                Store = parse.GetValue(store)!,
                TokenFiles = parse.GetValue(tokenFiles) ?? [],
                MaxBodyBytes = parse.GetValue(maxBody),
            };
            if (options.MaxBodyBytes <= 0)
            {
                throw new UsageException("--max-body-bytes must be positive");
            }
            FaultlineServer server;
            try
            {
                server = await FaultlineServer.StartAsync(options, cancel);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            catch (StoreException e)
            {
                io.Stderr.WriteLine($"faultline: {e.Message}");
                return ExitCodes.Undecided;
            }
            catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"--listen {options.Listen}: {e.Message}");
            }
            await using (server)
            {
                io.Stderr.WriteLine($"faultline: serving on {server.Address} with store {server.Store.Description}");
                await server.WaitForShutdownAsync(cancel);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
