namespace Xsave.Contract.Machine;

/// <summary>One field on which two machine states or two outcomes disagree, rendered for people.</summary>
public sealed record StateDifference(string Field, string Left, string Right)
{
    public override string ToString() => $"{Field}: {Left} != {Right}";
}
