using System.Reflection;
using System.Text.RegularExpressions;
using Xsave.Contract.Machine;

namespace Xsave.Optimized.MutationTests.Architecture;

/// <summary>
/// Every fault the optimized instructions raise names the SPEC rule behind it ("R18", "R24/R25") and says why in words
/// (GUIDE: a clear error naming what is wrong). Implementations are compared on the fault kind only, so the
/// differential tests cannot see the text: this test reads each shared fault instance.
/// </summary>
public partial class FaultTextTests
{
    [GeneratedRegex(@"^R\d+[a-z]?(/R\d+[a-z]?)*$")]
    private static partial Regex RuleId();

    [Fact]
    public void EverySharedFault_NamesASpecRuleAndAReason()
    {
        var faults = typeof(OptimizedImplementation).Assembly.GetType("Xsave.Optimized.Architecture.Instructions.Faults", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(Fault))
            .Select(f => (f.Name, Fault: (Fault)f.GetValue(null)!))
            .ToList();
        Assert.True(faults.Count >= 20, $"found only {faults.Count} shared faults");
        foreach (var (name, fault) in faults)
        {
            Assert.True(RuleId().IsMatch(fault.Rule), $"{name}: rule '{fault.Rule}' is not a SPEC rule id");
            Assert.False(string.IsNullOrWhiteSpace(fault.Reason), $"{name}: no reason");
        }
    }
}
