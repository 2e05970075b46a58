using Agora.Registry;
using Agora.Registry.Data;
using Agora.Testing;

namespace Agora.Registry.Tests;

public sealed class RegistryFactory() : ServiceFactory<RegistryMarker, RegistryDbContext>("registrydb");
