namespace Agora.Charter.Votes;

/// <summary>One vote as cast; the history is every row, the last row per (participant, statement) counts.</summary>
public sealed class Vote
{
    /// <summary>Arrival order (identity): the analysis replays votes in this order, the last one wins.</summary>
    public long Id { get; set; }

    public Guid ConversationId { get; set; }

    public Guid StatementId { get; set; }

    /// <summary>The voter, or a pseudonym once the participant is erased.</summary>
    public Guid ParticipantId { get; set; }

    /// <summary>+1 agree, -1 disagree, 0 pass (Pol.is's values).</summary>
    public short Value { get; set; }

    public DateTimeOffset CastAt { get; set; }

    public static bool TryParse(string? value, out short vote)
    {
        (var ok, vote) = value switch
        {
            "agree" => (true, (short)1),
            "disagree" => (true, (short)-1),
            "pass" => (true, (short)0),
            _ => (false, (short)0),
        };
        return ok;
    }

    public static string Name(short value) => value switch { 1 => "agree", -1 => "disagree", _ => "pass" };
}
