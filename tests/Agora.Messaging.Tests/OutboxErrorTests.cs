namespace Agora.Messaging.Tests;

public sealed class OutboxErrorTests
{
    [Fact]
    public void A_long_error_is_cut_to_the_limit_and_never_inside_a_surrogate_pair()
    {
        // 999 letters then an emoji (two UTF-16 units at 999 and 1000): a cut at 1000 would keep half of it.
        var message = new string('a', OutboxError.MaxLength - 1) + "\U0001F600" + "tail";

        var kept = OutboxError.Text(message);

        Assert.Equal(new string('a', OutboxError.MaxLength - 1), kept);
        Assert.False(char.IsHighSurrogate(kept[^1]));
        Assert.Equal(OutboxError.MaxLength, OutboxError.Text(new string('b', 5000)).Length);
        Assert.Equal("short", OutboxError.Text("short"));
    }
}
