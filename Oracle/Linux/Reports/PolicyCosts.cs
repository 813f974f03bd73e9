using Xsave.Contract.Linux;
using System.Text.Json.Serialization;
using Xsave.Contract;
using Xsave.Oracle.Linux.Fpu;

namespace Xsave.Oracle.Linux.Reports;

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
/// fpstate) and guest_default_cfg.size (every vCPU's fpstate) per CPU, booted with the default kernel configuration.
/// </summary>
public static class PolicyCosts
{
    public static IReadOnlyList<PolicyCostRow> For(IEnumerable<(string id, CpuModel cpu)> cpus) =>
        cpus.Select(c => new PolicyCostRow(c.id,
            Cost(c.cpu, CetSupervisorPolicy.Merged),
            Cost(c.cpu, CetSupervisorPolicy.AllTasks),
            Cost(c.cpu, CetSupervisorPolicy.None))).ToList();

    private static PolicyCost Cost(CpuModel cpu, CetSupervisorPolicy policy)
    {
        var boot = FpuBoot.Run(cpu, KernelConfig.Default with { Policy = policy });
        return new PolicyCost(boot.XsaveEnabled, boot.Kernel.DefaultSize, boot.Guest.Size);
    }
}
