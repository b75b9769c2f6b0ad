using System.Globalization;

namespace Cluster.Core.Configuration.Hocon;

/// <summary>Character classes from the HOCON specification.</summary>
internal static class HoconCharacters
{
    /// <summary>Characters that end an unquoted string; outside quotes most of them are reserved.</summary>
    public const string NotInUnquotedText = "$\"{}[]:=,+#`^?!@*&\\";

    public const string NumberChars = "0123456789eE+-.";

    /// <summary>Whitespace per the spec: Unicode space separators, the ASCII controls JSON treats as space, U+001C..U+001F and the BOM.</summary>
    public static bool IsWhitespace(char c)
    {
        switch (c)
        {
            case ' ' or '\t' or '\n' or '\v' or '\f' or '\r' or '\uFEFF':
            case >= '\u001C' and <= '\u001F':
                return true;
            case < '\u0080':
                return false;
            default:
                var category = CharUnicodeInfo.GetUnicodeCategory(c);
                return category is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator;
        }
    }

    public static bool IsWhitespaceNotNewline(char c) => c != '\n' && IsWhitespace(c);

    public static bool IsNumberStart(char c) => c is '-' or (>= '0' and <= '9');
}
