using System.Diagnostics;

namespace Faultline.Cli;

/// <summary>Phase timings on stderr when FAULTLINE_TIMINGS=1, for finding where a slow run spends its time.</summary>
internal sealed class Timings
{
    private readonly ConsoleIo? _io;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private TimeSpan _last;

    private Timings(ConsoleIo? io) => _io = io;

    public static Timings Start(ConsoleIo io) =>
        new(Environment.GetEnvironmentVariable("FAULTLINE_TIMINGS") == "1" ? io : null);

    public void Mark(string phase)
    {
        if (_io is null)
        {
            return;
        }
        var now = _watch.Elapsed;
        _io.Stderr.WriteLine($"timing: {phase} {(now - _last).TotalMilliseconds:0} ms (process {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms)");
        _last = now;
    }
}
