using System.CommandLine;
using Faultline.Cli;
using Faultline.Cli.Commands;

ProxyThreading.Prefer(args);
return Cli.Run(args, Console.In, Console.Out, Console.Error);

namespace Faultline.Cli
{
    /// <summary>The `faultline` command line: builds the command tree and maps failures to exit codes.</summary>
    internal static class Cli
    {
        public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
        {
            var io = new ConsoleIo(stdin, stdout, stderr);
            var root = new RootCommand("Faultline finds where a system will crack when someone changes it.")
            {
                CheckCommand.Create(io),
                RulesCommand.Create(io),
                GraphCommand.Create(io),
                ConfigCommand.Create(io),
                UpgradeCommand.Create(io),
                CanaryCommand.Create(io),
                RouterCommand.Create(io),
                EnvCommand.Create(io),
                ResourcesCommand.Create(io),
                RunCommand.Create(io),
                ImagesCommand.Create(io),
                ServeCommand.Create(io),
            };
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var error in parse.Errors)
                {
                    stderr.WriteLine($"faultline: {error.Message}");
                }
                stderr.WriteLine("Run 'faultline --help' for usage.");
                return ExitCodes.UsageOrInput;
            }
            try
            {
                return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            }
            catch (UsageException e)
            {
                stderr.WriteLine($"faultline: {e.Message}");
                return ExitCodes.UsageOrInput;
            }
            catch (Exception e)
            {
                stderr.WriteLine($"faultline: internal error: {e}");
                stderr.WriteLine("This is a bug in Faultline; please report it with the input that caused it.");
                return ExitCodes.Internal;
            }
        }
    }

    internal sealed record ConsoleIo(TextReader Stdin, TextWriter Stdout, TextWriter Stderr);

    /// <summary>A mistake in how the command was called; reported on stderr with exit code 2.</summary>
    internal sealed class UsageException(string message) : Exception(message);
}
