using Xsave.Contract;
using Xsave.Contract.Implementations;

namespace Xsave.BenchCore;

/// <summary>
/// One entry of the catalogue: a stable name (used in 'bench --json' and in BENCHMARKS.md), what exactly one
/// operation does, the contract part it needs, and how to prepare it for an implementation.
/// </summary>
/// <param name="Name">Stable kebab-case name, e.g. "standard-size".</param>
/// <param name="Description">What one operation is, including which path of the kernel it exercises.</param>
/// <param name="Requires">The contract part the implementation must declare.</param>
/// <param name="Build">Builds the loop; may throw (<see cref="Prepare"/> turns that into a reason).</param>
/// <param name="LookupTarget">A size or validity query: the targets compare it with the bare table lookup
/// (within 5x) as well as with the oracle (at least 20x faster).</param>
public sealed record BenchOperation(
    string Name,
    string Description,
    ContractPart Requires,
    Func<IXstateImplementation, CpuModel, BenchInputs, PreparedOperation> Build,
    bool LookupTarget = false)
{
    /// <summary>
    /// The operation bound to <paramref name="implementation"/>: checks the declared capabilities first, then builds
    /// the loop; <see cref="NotSupportedException"/> (a part not written yet) becomes "not supported by &lt;name&gt;".
    /// </summary>
    public PreparedOperation Prepare(IXstateImplementation implementation, CpuModel cpu, BenchInputs inputs)
    {
        if (!implementation.Capabilities.Supports(Requires))
            return PreparedOperation.NotAvailable(
                $"not supported by {implementation.Name}: it does not declare {Missing(implementation.Capabilities.Parts)}");
        try
        {
            return Build(implementation, cpu, inputs);
        }
        catch (NotSupportedException e)
        {
            return PreparedOperation.NotAvailable($"not supported by {implementation.Name}: {e.Message}");
        }
        catch (Exception e)
        {
            // A defect of the implementation, not of the benchmark: reported instead of measured.
            return PreparedOperation.NotAvailable($"{implementation.Name} failed while preparing: {e.GetType().Name}: {e.Message}");
        }
    }

    private string Missing(ContractPart declared)
    {
        var missing = Requires & ~declared;
        return string.Join(", ", Enum.GetValues<ContractPart>()
            .Where(p => p != ContractPart.None && System.Numerics.BitOperations.IsPow2((int)p) && (missing & p) != 0));
    }
}
