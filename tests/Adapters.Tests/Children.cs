using Xsave.Adapters.Process;
using Xsave.Contract;
using Xsave.TestSupport;

namespace Xsave.Adapters.Tests;

/// <summary>The misbehaving child (children/misbehave.py) and what the tests ask it.</summary>
public static class Children
{
    /// <summary>A CPU with x87, SSE and AVX (AVX: 256 bytes at 576), so the standard size of 0x7 is 832 (R14).</summary>
    public static readonly CpuModel Cpu = new()
    {
        Id = "test-avx",
        Leaf0D = new Dictionary<int, CpuidRegs> { [0] = new(0x7, 0x340, 0x340, 0), [2] = new(0x100, 0x240, 0, 0) },
    };

    public static readonly FeatureMask Avx = new(0x7);
    public const int AvxStandardSize = 832;

    private static readonly string Script = Path.Combine(Corpus.RepositoryRoot, "tests", "Adapters.Tests", "children", "misbehave.py");

    /// <summary>The child in <paramref name="mode"/>, with a short per-request timeout so every test is bounded.</summary>
    public static ProcessLaunch Launch(string mode, string? arg = null, double timeoutSeconds = 2) =>
        new(["python3", Script, mode, .. arg is null ? Array.Empty<string>() : [arg]],
            TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(20));

    /// <summary>Whether a process is still there (a zombie no one reaped counts as gone: it runs nothing).</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits up to <paramref name="seconds"/> for <paramref name="pid"/> to be gone.</summary>
    public static bool GoneWithin(int pid, double seconds)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (Alive(pid))
        {
            if (DateTime.UtcNow > until) return false;
            Thread.Sleep(50);
        }
        return true;
    }
}
