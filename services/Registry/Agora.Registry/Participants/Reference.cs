namespace Agora.Registry.Participants;

/// <summary>The fixed vocabularies of a registration (themes are managed in the database).</summary>
public static class Reference
{
    public const string Diaspora = "diaspora";

    /// <summary>Tunisia's 24 governorates, plus the diaspora.</summary>
    public static readonly IReadOnlyList<string> Governorates =
    [
        "tunis", "ariana", "ben-arous", "manouba", "nabeul", "zaghouan", "bizerte", "beja",
        "jendouba", "kef", "siliana", "sousse", "monastir", "mahdia", "sfax", "kairouan",
        "kasserine", "sidi-bouzid", "gabes", "medenine", "tataouine", "gafsa", "tozeur", "kebili",
        Diaspora,
    ];

    public static readonly IReadOnlyList<string> Genders = ["female", "male", "other"];
    public static readonly IReadOnlyList<string> AgeBands = ["18-24", "25-34", "35-49", "50-64", "65+"];
    public static readonly IReadOnlyList<string> Occupations = ["student", "worker", "employee", "unemployed", "researcher", "lawyer", "retired", "other"];

    /// <summary>Sub-kinds: what an organization, a movement or an individual is.</summary>
    public static readonly IReadOnlyDictionary<ParticipantKind, IReadOnlyList<string>> Categories = new Dictionary<ParticipantKind, IReadOnlyList<string>>
    {
        [ParticipantKind.Organization] = ["association", "union", "ngo", "informal-group", "other"],
        [ParticipantKind.Movement] = ["protest", "demand", "social", "informal", "other"],
        [ParticipantKind.Individual] = ["activist", "researcher", "lawyer", "citizen", "other"],
    };
}
