namespace Faultline.Core.Model;

/// <summary>
/// Who reaches whom in the service graph, for blast radii. The nearest nodes come from a breadth-first walk
/// that stops once it has enough; the total count comes from one pass over the strongly connected components
/// with a bitset per component, so the cost grows with edges x nodes / 64 rather than with a walk per node.
/// </summary>
internal sealed class ReachabilityIndex
{
    private readonly string[] _names;
    private readonly Dictionary<string, int> _index;
    private readonly int[][] _next;
    private int[]? _component;
    private ulong[][]? _reach;

    /// <summary><paramref name="next"/> maps a node to the nodes one step away (here: its callers).</summary>
    public ReachabilityIndex(IReadOnlyDictionary<string, string[]> next)
    {
        var names = new SortedSet<string>(next.Keys, StringComparer.Ordinal);
        foreach (var targets in next.Values)
        {
            names.UnionWith(targets);
        }
        _names = names.ToArray();
        _index = new Dictionary<string, int>(_names.Length, StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            _index[_names[i]] = i;
        }
        _next = new int[_names.Length][];
        for (var i = 0; i < _names.Length; i++)
        {
            _next[i] = next.TryGetValue(_names[i], out var t) ? t.Select(n => _index[n]).ToArray() : [];
        }
    }

    /// <summary>Up to <paramref name="limit"/> nodes reachable from <paramref name="start"/>, nearest first.</summary>
    public IReadOnlyList<string> Nearest(string start, int limit) => Walk(start, limit).Nearest;

    /// <summary>
    /// Up to <paramref name="limit"/> nodes reachable from <paramref name="start"/>, nearest first, and the chain of
    /// steps to the farthest of them: [one step away, two steps, ..., farthest].
    /// </summary>
    public (IReadOnlyList<string> Nearest, IReadOnlyList<string> Chain) Walk(string start, int limit)
    {
        if (!_index.TryGetValue(start, out var s))
        {
            return ([], []);
        }
        var parent = new Dictionary<int, int> { [s] = -1 };
        var order = new List<int>();
        var queue = new Queue<int>();
        queue.Enqueue(s);
        while (queue.Count > 0 && order.Count < limit)
        {
            var current = queue.Dequeue();
            foreach (var n in _next[current])
            {
                if (parent.TryAdd(n, current))
                {
                    order.Add(n);
                    queue.Enqueue(n);
                    if (order.Count >= limit)
                    {
                        break;
                    }
                }
            }
        }
        var chain = new List<string>();
        if (order.Count > 0)
        {
            for (var n = order[^1]; n != s; n = parent[n])
            {
                chain.Add(_names[n]);
            }
            chain.Reverse();
        }
        return (order.Select(n => _names[n]).ToList(), chain);
    }

    /// <summary>How many nodes are reachable from <paramref name="start"/>, itself excluded.</summary>
    public int Count(string start)
    {
        if (!_index.TryGetValue(start, out var s))
        {
            return 0;
        }
        if (_reach is null)
        {
            Build();
        }
        var bits = _reach![_component![s]];
        var total = 0;
        foreach (var word in bits)
        {
            total += System.Numerics.BitOperations.PopCount(word);
        }
        return total - 1;
    }

    private void Build()
    {
        var n = _names.Length;
        var words = (n + 63) / 64;
        var component = new int[n];
        Array.Fill(component, -1);
        var reach = new List<ulong[]>();
        // Iterative Tarjan: components come out in reverse topological order, so every component a node
        // reaches is finished before the node's own component, and its bitset can be OR-ed in.
        var index = new int[n];
        var low = new int[n];
        Array.Fill(index, -1);
        var onStack = new bool[n];
        var stack = new Stack<int>();
        var counter = 0;
        var work = new Stack<(int Node, int Edge)>();
        for (var root = 0; root < n; root++)
        {
            if (index[root] >= 0)
            {
                continue;
            }
            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (v, e) = work.Pop();
                if (e == 0)
                {
                    index[v] = low[v] = counter++;
                    stack.Push(v);
                    onStack[v] = true;
                }
                var descended = false;
                for (var i = e; i < _next[v].Length; i++)
                {
                    var w = _next[v][i];
                    if (index[w] < 0)
                    {
                        work.Push((v, i + 1));
                        work.Push((w, 0));
                        descended = true;
                        break;
                    }
                    if (onStack[w])
                    {
                        low[v] = Math.Min(low[v], index[w]);
                    }
                }
                if (descended)
                {
                    continue;
                }
                if (low[v] == index[v])
                {
                    var id = reach.Count;
                    var bits = new ulong[words];
                    var members = new List<int>();
                    int m;
                    do
                    {
                        m = stack.Pop();
                        onStack[m] = false;
                        component[m] = id;
                        members.Add(m);
                        bits[m >> 6] |= 1UL << (m & 63);
                    }
                    while (m != v);
                    foreach (var member in members)
                    {
                        foreach (var w in _next[member])
                        {
                            if (component[w] != id)
                            {
                                var other = reach[component[w]];
                                for (var k = 0; k < words; k++)
                                {
                                    bits[k] |= other[k];
                                }
                            }
                        }
                    }
                    reach.Add(bits);
                }
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[v]);
                }
            }
        }
        _component = component;
        _reach = reach.ToArray();
    }
}
