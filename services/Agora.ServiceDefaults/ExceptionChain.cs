namespace Agora.ServiceDefaults;

public static class ExceptionChain
{
    /// <summary>
    /// The first exception of type <typeparamref name="T"/> in <paramref name="exception"/> and its inner exceptions
    /// (frameworks wrap the cause: EF Core's retry strategy an Npgsql failure, ASP.NET Core a JSON error), or null.
    /// </summary>
    public static T? Find<T>(this Exception exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }
        return null;
    }
}
