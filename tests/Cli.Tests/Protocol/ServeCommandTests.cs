using Xsave.Cli.Commands;
using Xsave.Cli.Tests.Support;

namespace Xsave.Cli.Tests.Protocol;

/// <summary>'serve' itself: a bad --impl is one error line; bad requests are answered as errors, and it goes on.</summary>
public class ServeCommandTests
{
    [Fact]
    public void UnknownImplementation_IsOneErrorLine_Exit2()
    {
        var run = CliRun.Of("serve", "--impl", "nope");
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.StartsWith("error: --impl: unknown implementation 'nope'", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void BadRequests_AreErrorValues_AndTheServerGoesOnUntilItsInputEnds()
    {
        const string cpu = """{"id":"x","leaf0d":{"0":["0x7","0x340","0x340","0x0"],"2":["0x100","0x240","0x0","0x0"]}}""";
        var input = new StringReader(string.Join('\n',
            """{"id":0,"method":"hello","protocol":1}""",
            "not json",
            """{"id":2,"method":"frobnicate"}""",
            """{"id":3,"method":"standard_size","cpu":""" + cpu + "}",
            """{"id":4,"method":"standard_size","cpu":""" + cpu + ""","mask":"0x7"}""",
            """{"id":5,"method":"apply","session":"s9","op":{"op":"fork","Pid":1}}""") + "\n");
        var output = new StringWriter();
        var context = new CliContext(output, new StringWriter(), OutIsTerminal: false, _ => null);
        Assert.Equal(ExitCodes.Ok, ServeCommand.Run(context, "optimized", input));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("""{"id":0,"result":{"protocol":1,"name":"optimized",""", lines[0]);
        Assert.StartsWith("""{"id":null,"error":"the request is not JSON""", lines[1]);
        Assert.Contains("unknown method 'frobnicate'", Error(lines[2], 2));
        Assert.Contains("the request has no \"mask\"", Error(lines[3], 3));
        Assert.Equal("""{"id":4,"result":832}""", lines[4]); // SPEC R14: AVX (256 bytes at 576) ends at 832
        Assert.Contains("no open session 's9'", Error(lines[5], 5));
    }

    [Fact]
    public void KernelSession_SendsTheSnapshotOnce_ThenUnchangedWhileTheStateStaysTheSame()
    {
        var cpu = Contract.Serialization.CpuModelJson.Write(TestSupport.Corpus.Cpu("intel-sapphirerapids-806f8")).ToJsonString();
        const string getSupp = """{"op":"arch_prctl","Pid":1,"Option":4129,"Arg":2147287040,"BadPointer":false}""";
        var input = new StringReader(string.Join('\n',
            """{"id":0,"method":"boot","session":"s1","snapshot":true,"config":{},"cpu":""" + cpu + "}",
            """{"id":1,"method":"apply","session":"s1","snapshot":true,"op":""" + getSupp + "}",
            """{"id":2,"method":"apply","session":"s1","snapshot":true,"op":{"op":"fork","Pid":1}}""",
            """{"id":3,"method":"close","sessions":["s1"]}""",
            """{"id":4,"method":"snapshot","session":"s1"}""") + "\n");
        var output = new StringWriter();
        Assert.Equal(ExitCodes.Ok, ServeCommand.Run(new CliContext(output, new StringWriter(), false, _ => null), "optimized", input));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(System.Text.Json.JsonValueKind.Object, lines[0].GetProperty("result").GetProperty("snapshot").ValueKind);
        // ARCH_GET_XCOMP_SUPP only reads (R64): the state after it is the state after boot.
        Assert.Equal("unchanged", lines[1].GetProperty("result").GetProperty("snapshot").GetString());
        // fork creates process 2 (R61): a new state, sent whole.
        Assert.Equal(2, lines[2].GetProperty("result").GetProperty("snapshot").GetProperty("Processes").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, lines[3].GetProperty("result").ValueKind);
        Assert.Contains("no open session 's1'", lines[4].GetProperty("error").GetString());
    }

    private static string Error(string line, int id)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal(id, doc.RootElement.GetProperty("id").GetInt32());
        return doc.RootElement.GetProperty("error").GetString()!;
    }
}
