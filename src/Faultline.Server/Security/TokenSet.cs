using System.Security.Cryptography;
using System.Text;

namespace Faultline.Server.Security;

/// <summary>
/// The bearer tokens the API accepts: every non-empty line of every token file (several files, or several
/// lines, let an old and a new token both work while clients move over). Only SHA-256 hashes are kept, and a
/// presented token is compared against each with <see cref="CryptographicOperations.FixedTimeEquals"/>, so
/// neither the comparison's time nor a memory dump gives a token away. The files are read again when they
/// change, so a rotated token takes effect without a restart.
/// </summary>
public sealed class TokenSet
{
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(2);

    private readonly IReadOnlyList<string> _files;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private byte[][] _hashes = [];
    private DateTime[] _stamps = [];
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    private TokenSet(IReadOnlyList<string> files, TimeProvider clock)
    {
        _files = files;
        _clock = clock;
    }

    /// <summary>Reads the files; a missing or unreadable file, or no token at all, is an error naming the file.</summary>
    public static TokenSet Load(IReadOnlyList<string> files, TimeProvider? clock = null)
    {
        if (files.Count == 0)
        {
            throw new ArgumentException("no token file given: every API except /healthz needs a bearer token (--token-file FILE)");
        }
        var set = new TokenSet(files.Select(Path.GetFullPath).ToList(), clock ?? TimeProvider.System);
        set.Reload(strict: true);
        return set;
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _hashes.Length;
            }
        }
    }

    /// <summary>Whether <paramref name="token"/> is one of the tokens; every stored hash is compared, whatever matches.</summary>
    public bool Accepts(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty)
        {
            return false;
        }
        MaybeReload();
        Span<byte> presented = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(token.ToArray());
        SHA256.HashData(bytes, presented);
        CryptographicOperations.ZeroMemory(bytes);
        byte[][] hashes;
        lock (_gate)
        {
            hashes = _hashes;
        }
        var match = false;
        foreach (var hash in hashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        }
        return match;
    }

    private void MaybeReload()
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            if (now - _checkedAt < RecheckEvery)
            {
                return;
            }
            _checkedAt = now;
        }
        var stamps = _files.Select(f => File.Exists(f) ? File.GetLastWriteTimeUtc(f) : DateTime.MinValue).ToArray();
        bool changed;
        lock (_gate)
        {
            changed = !stamps.SequenceEqual(_stamps);
        }
        if (changed)
        {
            Reload(strict: false);
        }
    }

    /// <summary>Reads every file; when not strict (a reload), a file that vanished or holds no token keeps the old set.</summary>
    private void Reload(bool strict)
    {
        var hashes = new List<byte[]>();
        var stamps = new DateTime[_files.Count];
        for (var i = 0; i < _files.Count; i++)
        {
            var file = _files[i];
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
                stamps[i] = File.GetLastWriteTimeUtc(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (strict)
                {
                    throw new ArgumentException($"--token-file {file}: cannot read it ({e.Message})", e);
                }
                return;
            }
            var tokens = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            if (tokens.Count == 0 && strict)
            {
                throw new ArgumentException($"--token-file {file}: holds no token (one token per line)");
            }
            hashes.AddRange(tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))));
        }
        if (hashes.Count == 0)
        {
            return;
        }
        lock (_gate)
        {
            _hashes = hashes.ToArray();
            _stamps = stamps;
        }
    }
}
