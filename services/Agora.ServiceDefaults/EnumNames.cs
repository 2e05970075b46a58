namespace Agora.ServiceDefaults;

/// <summary>Request values that name an enum member (a <c>?status=</c> filter, for instance).</summary>
public static class EnumNames
{
    /// <summary>
    /// The member of <typeparamref name="T"/> named <paramref name="text"/> (case ignored), and nothing else:
    /// <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> also takes numbers ("99", "-1") and comma lists
    /// ("active,rejected", read as the bitwise or of the two, another member or none).
    /// </summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var member in Enum.GetValues<T>())
        {
            if (string.Equals(member.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                value = member;
                return true;
            }
        }
        value = default;
        return false;
    }
}
