namespace Faultline.Cli.Rendering;

internal static class Paths
{
    /// <summary>A file as a relative URI with forward slashes, as SARIF and CI annotations want it.</summary>
    public static string Uri(string file)
    {
        var path = file;
        if (Path.IsPathRooted(path))
        {
            var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
            if (!relative.StartsWith("..", StringComparison.Ordinal))
            {
                path = relative;
            }
        }
        path = path.Replace('\\', '/');
        if (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }
        return path;
    }

    /// <summary>The file part of a location name, without the " (rendered)" suffix of kustomize output.</summary>
    public static string FileOnly(string file) =>
        file.EndsWith(" (rendered)", StringComparison.Ordinal) ? file[..^" (rendered)".Length] : file;
}
