using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Xsave.Scenarios.Parsing;

/// <summary>
/// Checks a scenario's YAML before it is loaded into nodes: YamlDotNet's node model and the readers after it recurse
/// per nesting level, so a 20 000-level mapping overflowed the stack and ended the whole run. The event parser is
/// iterative, so counting depth on it is safe. Aliases are refused too: no scenario needs them and nested ones expand
/// exponentially when an inline profile is converted to JSON.
/// </summary>
internal static class YamlLimits
{
    /// <summary>Deep enough for any scenario (the deepest shipped one nests 5 levels).</summary>
    public const int MaxDepth = 32;

    /// <summary>Throws <see cref="ParseFailure"/> at the first node past the limits; YAML syntax errors surface later.</summary>
    public static void Check(string text)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        throw new ParseFailure(null, $"YAML aliases (*{alias.Value}) are not supported in scenarios") { At = alias.Start };
                    case MappingStart or SequenceStart when ++depth > MaxDepth:
                        throw new ParseFailure(null, $"nested more than {MaxDepth} levels deep") { At = parser.Current!.Start };
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Not well-formed: the loader reports it with its position.
        }
    }
}
