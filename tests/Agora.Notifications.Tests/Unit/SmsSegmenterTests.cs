using Agora.Notifications.Channels;

namespace Agora.Notifications.Tests.Unit;

public sealed class SmsSegmenterTests
{
    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Gsm7_holds_160_alone_and_153_per_part(int length, int parts)
    {
        var segments = SmsSegmenter.Segment(new string('a', length));

        Assert.Equal(SmsSegments.Gsm7, segments.Encoding);
        Assert.Equal(parts, segments.Parts.Count);
        Assert.All(segments.Parts.SkipLast(1), p => Assert.Equal(parts == 1 ? length : 153, p.Length));
        Assert.Equal(new string('a', length), string.Concat(segments.Parts));
    }

    [Fact]
    public void Extension_characters_count_as_two_septets_and_are_never_cut()
    {
        Assert.Equal(160, SmsSegmenter.Septets(new string('€', 80)));
        Assert.Single(SmsSegmenter.Segment(new string('€', 80)).Parts);

        var text = new string('a', 152) + "{" + new string('b', 10);
        var segments = SmsSegmenter.Segment(text);

        Assert.Equal(SmsSegments.Gsm7, segments.Encoding);
        Assert.Equal(2, segments.Parts.Count);
        Assert.Equal(new string('a', 152), segments.Parts[0]);
        Assert.Equal("{" + new string('b', 10), segments.Parts[1]);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Arabic_is_ucs2_with_70_alone_and_67_per_part(int length, int parts)
    {
        var text = string.Concat(Enumerable.Repeat("ب", length));

        var segments = SmsSegmenter.Segment(text);

        Assert.Equal(SmsSegments.Ucs2, segments.Encoding);
        Assert.Equal(parts, segments.Parts.Count);
        Assert.All(segments.Parts, p => Assert.True(p.Length <= (parts == 1 ? 70 : 67)));
        Assert.Equal(text, string.Concat(segments.Parts));
    }

    [Fact]
    public void One_non_gsm_character_makes_the_whole_message_ucs2_and_surrogate_pairs_stay_whole()
    {
        Assert.Equal(SmsSegments.Ucs2, SmsSegmenter.Segment("Rendez-vous à 10h — merci").Encoding);
        Assert.Equal(SmsSegments.Gsm7, SmsSegmenter.Segment("Rendez-vous à 10h, merci @ Tunis £5 {ok}").Encoding);

        var text = new string('x', 66) + "😀" + "yyyyy";
        var segments = SmsSegmenter.Segment(text);

        Assert.Equal(2, segments.Parts.Count);
        Assert.Equal(new string('x', 66), segments.Parts[0]);
        Assert.Equal("😀yyyyy", segments.Parts[1]);
    }

    [Theory]
    [InlineData("+21620123456", true)]
    [InlineData("21620123456", false)]
    [InlineData("+216 20 123 456", false)]
    [InlineData("+0123456789", false)]
    [InlineData("", false)]
    public void Phone_numbers_must_be_e164(string phone, bool valid) => Assert.Equal(valid, PhoneNumbers.IsE164(phone));
}

public sealed class ErrorTextTests
{
    [Fact]
    public void Addresses_and_numbers_echoed_by_servers_are_blanked_before_an_error_is_stored()
    {
        var text = Deliveries.ErrorText.Clean("permanent: smtp-550: RecipientNotAccepted 5.1.1 <amira.b@example.tn>: rejected; sms to +216 98 123 456 failed");

        Assert.DoesNotContain("amira", text, StringComparison.Ordinal);
        Assert.DoesNotContain("98 123", text, StringComparison.Ordinal);
        Assert.Contains("smtp-550", text, StringComparison.Ordinal);
        Assert.Contains("<[address]>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_is_cut_to_its_length_without_splitting_an_emoji()
    {
        var text = Deliveries.ErrorText.Clean(new string('x', 499) + "\U0001F600 and more", 500);

        Assert.Equal(new string('x', 499), text); // half the emoji cannot be stored: one unit fewer, not 500
    }
}
