using System.Text.Json.Serialization;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Linux;

namespace Xsave.Cli.Reports;

/// <summary>The buffer sizes one policy gives on one CPU: every task's fpstate and every guest fpstate.</summary>
public sealed record PolicyCost(
    [property: JsonPropertyName("xsave"), JsonPropertyOrder(0)] bool Xsave,
    [property: JsonPropertyName("host_default_size"), JsonPropertyOrder(1)] uint HostDefaultSize,
    [property: JsonPropertyName("guest_default_size"), JsonPropertyOrder(2)] uint GuestDefaultSize)
{
    /// <summary>Extra bytes a guest fpstate costs over a host task fpstate.</summary>
    [JsonPropertyName("guest_extra"), JsonPropertyOrder(3)]
    public long GuestExtra => (long)GuestDefaultSize - HostDefaultSize;
}

/// <summary>One CPU's costs under the three CET supervisor policies.</summary>
public sealed record PolicyCostRow(
    [property: JsonPropertyName("cpu"), JsonPropertyOrder(0)] string Id,
    [property: JsonPropertyName("merged"), JsonPropertyOrder(1)] PolicyCost Merged,
    [property: JsonPropertyName("all-tasks"), JsonPropertyOrder(2)] PolicyCost AllTasks,
    [property: JsonPropertyName("none"), JsonPropertyOrder(3)] PolicyCost None)
{
    public PolicyCost For(CetSupervisorPolicy policy) => policy switch
    {
        CetSupervisorPolicy.AllTasks => AllTasks,
        CetSupervisorPolicy.None => None,
        _ => Merged,
    };
}

/// <summary>
/// What each CET supervisor policy costs (the discussion behind the CET series): kernel.default_size (every task's
/// fpstate) and guest_default_cfg.size (every vCPU's fpstate) per CPU, booted with the default kernel configuration
/// by an implementation of the contract (its <see cref="IKernel.Boot"/> summary).
/// </summary>
public static class PolicyCosts
{
    public static IReadOnlyList<PolicyCostRow> For(IXstateImplementation implementation, IEnumerable<(string id, CpuModel cpu)> cpus) =>
        cpus.Select(c => new PolicyCostRow(c.id,
            Cost(implementation, c.cpu, CetSupervisorPolicy.Merged),
            Cost(implementation, c.cpu, CetSupervisorPolicy.AllTasks),
            Cost(implementation, c.cpu, CetSupervisorPolicy.None))).ToList();

    private static PolicyCost Cost(IXstateImplementation implementation, CpuModel cpu, CetSupervisorPolicy policy)
    {
        var boot = implementation.Boot(cpu, KernelConfig.Default with { Policy = policy }).Boot;
        return new PolicyCost(boot.Xsave, boot.Kernel.DefaultSize, boot.GuestSize);
    }
}
