namespace Cluster.Api.Security.Authentication;

/// <summary>
/// Static bearer tokens, upstream's <c>--token-auth-file</c>: one CSV line per token, <c>token,user,uid,"group1,group2"</c>
/// (the groups column optional and quoted when it holds several). Blank lines and lines starting with '#' are skipped.
/// </summary>
public sealed class TokenFile
{
    private readonly Dictionary<string, UserInfo> _users;

    private TokenFile(Dictionary<string, UserInfo> users) => _users = users;

    public static TokenFile Empty { get; } = new(new Dictionary<string, UserInfo>(StringComparer.Ordinal));

    public int Count => _users.Count;

    /// <summary>Reads the file; a malformed line stops the node with the file and line number (never the token itself).</summary>
    public static TokenFile Load(string path) => Parse(File.ReadAllLines(path), path);

    public static TokenFile Parse(IEnumerable<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var users = new Dictionary<string, UserInfo>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var fields = SplitCsv(line) ?? throw new InvalidDataException($"{source}:{number}: unbalanced quotes");
            if (fields.Count < 3 || fields[0].Length == 0 || fields[1].Length == 0)
            {
                throw new InvalidDataException($"{source}:{number}: expected token,user,uid[,\"group1,group2\"]");
            }

            var groups = fields.Count > 3 ? fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            if (!users.TryAdd(fields[0], new UserInfo(fields[1], groups, fields[2])))
            {
                throw new InvalidDataException($"{source}:{number}: the token of this line is given twice");
            }
        }

        return new TokenFile(users);
    }

    public UserInfo? Find(string token) => _users.GetValueOrDefault(token);

    /// <summary>RFC 4180 fields: commas separate, double quotes enclose a field that holds commas ("" is a quote).</summary>
    private static List<string>? SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        fields.Add(field.ToString().Trim());
        return fields;
    }
}
