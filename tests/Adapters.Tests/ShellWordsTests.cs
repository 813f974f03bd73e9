using Xsave.Adapters.Process;

namespace Xsave.Adapters.Tests;

/// <summary>process:COMMAND is split as POSIX sh splits words (quotes, backslashes), nothing expanded.</summary>
public class ShellWordsTests
{
    [Theory]
    [InlineData("python3 server.py", new[] { "python3", "server.py" })]
    [InlineData("  a   b\tc ", new[] { "a", "b", "c" })]
    [InlineData("dotnet '/my dir/x.dll' serve", new[] { "dotnet", "/my dir/x.dll", "serve" })]
    [InlineData("echo \"a \\\"b\\\" \\n\"", new[] { "echo", "a \"b\" \\n" })]
    [InlineData("a\\ b c", new[] { "a b", "c" })]
    [InlineData("x'y'\"z\"", new[] { "xyz" })]
    [InlineData("'' b", new[] { "", "b" })]
    [InlineData("$HOME *.py |", new[] { "$HOME", "*.py", "|" })]
    public void Splits_LikeAShell_WithoutExpanding(string text, string[] words)
    {
        Assert.True(ShellWords.TrySplit(text, out var split, out var error), error);
        Assert.Equal(words, split);
    }

    [Theory]
    [InlineData("", "the command is empty")]
    [InlineData("   ", "the command is empty")]
    [InlineData("a 'b", "unterminated single quote at character 3")]
    [InlineData("a \"b", "unterminated double quote at character 3")]
    [InlineData("a b\\", "the command ends with a lone backslash")]
    public void BadCommands_AreErrorsSayingWhere(string text, string message)
    {
        Assert.False(ShellWords.TrySplit(text, out _, out var error));
        Assert.Equal(message, error);
    }
}
