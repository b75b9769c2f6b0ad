namespace Cluster.Core.Configuration.Hocon;

internal sealed partial class HoconParser
{
    /// <summary>Parses one value: every piece up to the end of the line, a comma or a closing bracket, concatenated.</summary>
    private HoconValue ParseValue()
    {
        EnsureStack(Peek);
        var start = Peek;
        var pieces = new List<HoconValue>();
        while (true)
        {
            var token = Peek;
            switch (token.Kind)
            {
                case HoconTokenKind.Whitespace:
                    Advance();
                    pieces.Add(new HoconWhitespace(token.Text, token.Origin));
                    continue;
                case HoconTokenKind.Unquoted or HoconTokenKind.Quoted:
                    Advance();
                    pieces.Add(HoconScalar.String(token.Text, token.Origin));
                    continue;
                case HoconTokenKind.Number:
                    Advance();
                    pieces.Add(new HoconScalar(HoconValueType.Number, token.Text, token.Origin));
                    continue;
                case HoconTokenKind.Boolean:
                    Advance();
                    pieces.Add(new HoconScalar(HoconValueType.Boolean, token.Text, token.Origin));
                    continue;
                case HoconTokenKind.Null:
                    Advance();
                    pieces.Add(HoconScalar.Null(token.Origin));
                    continue;
                case HoconTokenKind.Substitution:
                    Advance();
                    var path = HoconPath.FromPieces(token.SubstitutionPath, token.Origin);
                    pieces.Add(new HoconSubstitution(path, token.OptionalSubstitution, prefixLength: 0, token.Origin));
                    continue;
                case HoconTokenKind.OpenBrace:
                    Advance();
                    pieces.Add(ParseObject(braced: true, token.Origin));
                    continue;
                case HoconTokenKind.OpenBracket:
                    pieces.Add(ParseArray());
                    continue;
            }

            break;
        }

        var first = pieces.FindIndex(p => p is not HoconWhitespace);
        if (first < 0)
        {
            throw Error(Peek, $"expected a value, got {Peek.Describe()}");
        }

        var last = pieces.FindLastIndex(p => p is not HoconWhitespace);
        pieces = pieces.GetRange(first, last - first + 1);
        if (pieces.Count == 1)
        {
            return pieces[0];
        }

        return _json
            ? throw Error(start, "JSON does not allow several values in a row: expected ',' or a closing bracket")
            : BuildConcatenation(pieces);
    }

    private HoconValue BuildConcatenation(List<HoconValue> pieces)
    {
        var origin = pieces[0].Origin;
        var hasObject = pieces.Exists(p => p is HoconObject);
        var hasArray = pieces.Exists(p => p is HoconArray);
        var scalar = pieces.Find(p => p is HoconScalar);
        if ((hasObject || hasArray) && scalar is not null)
        {
            throw new HoconException(HoconErrorKind.WrongType, scalar.Origin,
                $"cannot concatenate an object or list with the simple value '{((HoconScalar)scalar).Text}'");
        }

        if (hasObject && hasArray)
        {
            throw new HoconException(HoconErrorKind.WrongType, origin, "cannot concatenate an object with a list");
        }

        if (pieces.Exists(p => p is HoconSubstitution))
        {
            return new HoconConcatenation(pieces, origin);
        }

        var values = pieces.Where(p => p is not HoconWhitespace).ToList();
        if (hasArray)
        {
            return new HoconArray(values.SelectMany(v => ((HoconArray)v).MutableItems).ToList(), origin);
        }

        if (hasObject)
        {
            var merged = values[0];
            foreach (var next in values.Skip(1))
            {
                merged = HoconMerge.Merge(merged, next, [.. _pathStack]);
            }

            return merged;
        }

        var text = string.Concat(pieces.Select(p => p is HoconWhitespace w ? w.Text : ((HoconScalar)p).Text));
        return HoconScalar.String(text, origin);
    }

    private HoconArray ParseArray()
    {
        var open = Advance();
        EnsureStack(open);
        var items = new List<HoconValue>();
        _arrayDepth++;
        try
        {
            SkipWhitespace(newlines: true);
            if (Peek.Kind == HoconTokenKind.CloseBracket)
            {
                Advance();
                return new HoconArray(items, open.Origin);
            }

            if (Peek.Kind == HoconTokenKind.Comma)
            {
                throw Error(Peek, "expected ']' or a first element after '[', got ','");
            }

            while (true)
            {
                items.Add(ParseValue());
                SkipWhitespace(newlines: _json);
                var token = Peek;
                switch (token.Kind)
                {
                    case HoconTokenKind.Comma:
                        Advance();
                        SkipWhitespace(newlines: true);
                        if (Peek.Kind == HoconTokenKind.Comma)
                        {
                            throw Error(Peek, "expected a new element after ',', got another ','");
                        }

                        if (Peek.Kind == HoconTokenKind.CloseBracket)
                        {
                            return _json ? throw Error(Peek, "JSON allows no trailing comma in a list") : Close();
                        }

                        continue;
                    case HoconTokenKind.Newline when !_json:
                        SkipWhitespace(newlines: true);
                        if (Peek.Kind == HoconTokenKind.CloseBracket)
                        {
                            return Close();
                        }

                        continue;
                    case HoconTokenKind.CloseBracket:
                        return Close();
                    default:
                        throw Error(token, $"expected ',' or ']' in a list, got {token.Describe()}");
                }
            }
        }
        finally
        {
            _arrayDepth--;
        }

        HoconArray Close()
        {
            Advance();
            return new HoconArray(items, open.Origin);
        }
    }
}
