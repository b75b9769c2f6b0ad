using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Core.Actors;

/// <summary>
/// The actor runtime's settings (configuration section <c>actors</c>; documented in
/// hocon/reference.conf). <see cref="Validate"/> names the offending key.
/// </summary>
public sealed record ActorSystemSettings
{
    public const string SectionName = "actors";

    /// <summary>actors.ask-timeout: default timeout of Ask when the caller gives none.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>actors.default-dispatcher.throughput: messages an actor processes before yielding its thread.</summary>
    public int Throughput { get; init; } = 30;

    /// <summary>actors.default-dispatcher.throughput-deadline-time: longest a run may hold a thread; zero = no limit.</summary>
    public TimeSpan ThroughputDeadline { get; init; } = TimeSpan.Zero;

    /// <summary>actors.log-dead-letters: how many dead letters are logged before suppression; 0 = none.</summary>
    public int LogDeadLetters { get; init; } = 10;

    /// <summary>actors.log-dead-letters-during-shutdown.</summary>
    public bool LogDeadLettersDuringShutdown { get; init; }

    /// <summary>actors.coordinated-shutdown.default-phase-timeout.</summary>
    public TimeSpan DefaultPhaseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>actors.coordinated-shutdown.run-by-actor-system-terminate: Terminate() runs all shutdown phases first.</summary>
    public bool RunCoordinatedShutdownOnTerminate { get; init; } = true;

    /// <summary>actors.coordinated-shutdown.phases.&lt;phase&gt;.timeout overrides.</summary>
    public IReadOnlyDictionary<string, TimeSpan> PhaseTimeouts { get; init; } = new Dictionary<string, TimeSpan>
    {
        [CoordinatedShutdown.PhaseClusterShardingShutdownRegion] = TimeSpan.FromSeconds(10),
        [CoordinatedShutdown.PhaseClusterExiting] = TimeSpan.FromSeconds(10),
        [CoordinatedShutdown.PhaseActorSystemTerminate] = TimeSpan.FromSeconds(10),
    };

    public static ActorSystemSettings Default { get; } = new();

    /// <summary>Reads the <c>actors</c> section; absent keys keep their defaults.</summary>
    public static ActorSystemSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var defaults = Default;
        var phaseTimeouts = new Dictionary<string, TimeSpan>(defaults.PhaseTimeouts);
        foreach (var phase in section.GetSection("coordinated-shutdown:phases").GetChildren())
        {
            phaseTimeouts[phase.Key] = SettingsReader.Duration(phase, "timeout", TimeSpan.Zero);
        }

        var settings = new ActorSystemSettings
        {
            AskTimeout = SettingsReader.Duration(section, "ask-timeout", defaults.AskTimeout),
            Throughput = SettingsReader.Int(section, "default-dispatcher:throughput", defaults.Throughput),
            ThroughputDeadline = SettingsReader.Duration(section, "default-dispatcher:throughput-deadline-time", defaults.ThroughputDeadline),
            LogDeadLetters = SettingsReader.Int(section, "log-dead-letters", defaults.LogDeadLetters),
            LogDeadLettersDuringShutdown = SettingsReader.Bool(section, "log-dead-letters-during-shutdown", defaults.LogDeadLettersDuringShutdown),
            DefaultPhaseTimeout = SettingsReader.Duration(section, "coordinated-shutdown:default-phase-timeout", defaults.DefaultPhaseTimeout),
            RunCoordinatedShutdownOnTerminate = SettingsReader.Bool(section, "coordinated-shutdown:run-by-actor-system-terminate", defaults.RunCoordinatedShutdownOnTerminate),
            PhaseTimeouts = phaseTimeouts,
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Throws <see cref="SettingsException"/> naming the first bad key, its value and the rule.</summary>
    public void Validate()
    {
        SettingsException.Require(AskTimeout > TimeSpan.Zero || AskTimeout == Timeout.InfiniteTimeSpan, "actors.ask-timeout", AskTimeout, "must be positive or 'infinite'");
        SettingsException.Require(Throughput >= 1, "actors.default-dispatcher.throughput", Throughput, "must be at least 1");
        SettingsException.Require(ThroughputDeadline >= TimeSpan.Zero, "actors.default-dispatcher.throughput-deadline-time", ThroughputDeadline, "must not be negative");
        SettingsException.Require(LogDeadLetters >= 0, "actors.log-dead-letters", LogDeadLetters, "must not be negative");
        SettingsException.Require(DefaultPhaseTimeout > TimeSpan.Zero, "actors.coordinated-shutdown.default-phase-timeout", DefaultPhaseTimeout, "must be positive");
        foreach (var (phase, timeout) in PhaseTimeouts)
        {
            SettingsException.Require(timeout > TimeSpan.Zero, $"actors.coordinated-shutdown.phases.{phase}.timeout", timeout, "must be positive");
            SettingsException.Require(CoordinatedShutdown.PhaseOrder.Contains(phase), $"actors.coordinated-shutdown.phases.{phase}", phase, "must name a known phase");
        }
    }
}
