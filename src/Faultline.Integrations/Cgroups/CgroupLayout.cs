namespace Faultline.Integrations.Cgroups;

/// <summary>
/// Where this process's cgroups are, read from /proc/self/mountinfo and /proc/self/cgroup: the cgroup v2 folder
/// when the unified hierarchy has the memory controller, else the cgroup v1 folders of the memory and cpu
/// controllers. Children are made under the cgroup the process is in (a container or a job runner often puts it
/// in a nested one, such as /process_api/&lt;id&gt;), not at the root.
/// </summary>
public sealed record CgroupLayout(int Version, string? MemoryFolder, string? CpuFolder)
{
    public static CgroupLayout Detect(string proc = "/proc")
    {
        var mountinfo = File.ReadAllText(Path.Combine(proc, "self", "mountinfo"));
        var cgroup = File.ReadAllText(Path.Combine(proc, "self", "cgroup"));
        return Parse(mountinfo, cgroup, dir => File.Exists(Path.Combine(dir, "cgroup.controllers")) ? File.ReadAllText(Path.Combine(dir, "cgroup.controllers")) : null);
    }

    /// <summary>
    /// Pure: decides from the two files' text. <paramref name="controllersOf"/> reads a v2 folder's
    /// cgroup.controllers (null when absent).
    /// </summary>
    public static CgroupLayout Parse(string mountinfo, string cgroup, Func<string, string?> controllersOf)
    {
        var mounts = new List<(string Root, string Point, string Type, string[] Options)>();
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mountpoint options [optional fields] - fstype source superoptions
            var dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0)
            {
                continue;
            }
            var left = line[..dash].Split(' ');
            var right = line[(dash + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3 || right[0] is not ("cgroup" or "cgroup2"))
            {
                continue;
            }
            mounts.Add((Unescape(left[3]), Unescape(left[4]), right[0], right[2].Split(',')));
        }
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        string? unifiedPath = null;
        foreach (var line in cgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }
            if (parts[0] == "0" && parts[1].Length == 0)
            {
                unifiedPath = parts[2];
                continue;
            }
            foreach (var controller in parts[1].Split(','))
            {
                paths[controller] = parts[2];
            }
        }
        if (unifiedPath is not null && mounts.FirstOrDefault(m => m.Type == "cgroup2") is { Point: not null } v2)
        {
            var folder = Join(v2.Point, v2.Root, unifiedPath);
            var controllers = controllersOf(folder)?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            if (controllers.Contains("memory"))
            {
                return new CgroupLayout(2, folder, controllers.Contains("cpu") ? folder : null);
            }
        }
        string? V1(string controller) =>
            mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Contains(controller)) is { Point: not null } m && paths.TryGetValue(controller, out var path)
                ? Join(m.Point, m.Root, path)
                : null;
        return new CgroupLayout(1, V1("memory"), V1("cpu"));
    }

    /// <summary>The folder of a cgroup path on a mount whose root may itself be a cgroup (inside a cgroup namespace).</summary>
    private static string Join(string mountPoint, string mountRoot, string path)
    {
        var relative = mountRoot != "/" && path.StartsWith(mountRoot, StringComparison.Ordinal) ? path[mountRoot.Length..] : path;
        return Path.Join(mountPoint, relative.TrimStart('/')).TrimEnd('/');
    }

    private static string Unescape(string s) => s.Replace("\\040", " ", StringComparison.Ordinal);
}
