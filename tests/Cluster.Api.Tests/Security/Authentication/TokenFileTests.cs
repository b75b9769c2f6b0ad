using Cluster.Api.Security.Authentication;

namespace Cluster.Api.Tests.Security.Authentication;

public sealed class TokenFileTests
{
    [Fact]
    public void Parse_UpstreamFormat_UsersWithQuotedGroups()
    {
        var file = TokenFile.Parse(["# comment", "", "t1,alice,u1,\"dev, ops\"", "t2,bob,u2", "t3,carol,u3,single"], "tokens.csv");

        Assert.Equal(3, file.Count);
        Assert.Equal(("alice", "u1"), (file.Find("t1")!.Name, file.Find("t1")!.Uid));
        Assert.Equal(["dev", "ops"], file.Find("t1")!.Groups);
        Assert.Equal(("bob", "u2", 0), (file.Find("t2")!.Name, file.Find("t2")!.Uid, file.Find("t2")!.Groups.Count));
        Assert.Equal(["single"], file.Find("t3")!.Groups);
        Assert.Null(file.Find("t4"));
    }

    [Theory]
    [InlineData("onlytoken,user", "tokens.csv:1: expected token,user,uid")]
    [InlineData(",user,uid", "tokens.csv:1: expected token,user,uid")]
    [InlineData("t,user,uid,\"dev", "tokens.csv:1: unbalanced quotes")]
    public void Parse_MalformedLine_NamesFileAndLineNotToken(string line, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => TokenFile.Parse([line], "tokens.csv"));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameTokenTwice_Refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => TokenFile.Parse(["t,a,1", "t,b,2"], "f"));

        Assert.Equal("f:2: the token of this line is given twice", error.Message);
    }
}
