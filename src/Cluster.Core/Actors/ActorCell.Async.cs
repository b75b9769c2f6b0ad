using System.Runtime.ExceptionServices;

namespace Cluster.Core.Actors;

/// <summary>
/// Async handlers. The handler starts inline on the actor's thread under the actor's own
/// <see cref="TaskScheduler"/>, so every <c>await</c> continuation comes back to the actor as a
/// system message and runs with the handler's message and sender restored. While the task is
/// unfinished the mailbox is suspended: no other user message can interleave with it.
/// </summary>
internal sealed partial class ActorCell
{
    internal void RunAsyncHandler(Func<Task> handler)
    {
        var scheduler = _taskScheduler ??= new ActorTaskScheduler(this);
        var outer = new Task<Task>(handler);
        _asyncMessage = _currentMessage;
        _asyncSender = _currentSender;
        scheduler.RunInline(outer);

        if (outer.IsFaulted)
        {
            Rethrow(outer.Exception!);
        }

        var inner = outer.Result;
        if (inner.IsCompleted)
        {
            _asyncMessage = null;
            _asyncSender = null;
            ThrowIfUnsuccessful(inner);
            return;
        }

        SuspendNonRecursive();
        inner.ContinueWith(
            static (task, state) => ((ActorCell)state!).PostSystem(new AsyncHandlerCompleted(task)),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Keeps user messages waiting (one suspension; pair with <see cref="ResumeMailbox"/>).</summary>
    internal void SuspendMailbox() => SuspendNonRecursive();

    internal void ResumeMailbox() => _mailbox.Resume();

    private void RunCallback(RunOnActor run) =>
        RunAs(run.Message, run.Sender, static run => run.Action(run.State), run);

    private void ExecuteContinuation(Task task)
    {
        if (_taskScheduler is { } scheduler)
        {
            RunAs(_asyncMessage, _asyncSender, static work => work.Scheduler.Execute(work.Task), (Scheduler: scheduler, Task: task));
        }
    }

    private void CompleteAsyncHandler(Task task)
    {
        _mailbox.Resume();
        var (message, sender) = (_asyncMessage, _asyncSender);
        _asyncMessage = null;
        _asyncSender = null;
        if (!task.IsCompletedSuccessfully)
        {
            // Report the failure against the message whose handler failed.
            RunAs(message, sender, static t => ThrowIfUnsuccessful(t), task);
        }
    }

    /// <summary>
    /// Runs work on the actor as if it were handling <paramref name="message"/> from
    /// <paramref name="sender"/> (so Sender and the failure log are right); a failure goes to supervision.
    /// </summary>
    private void RunAs<TState>(object? message, IActorRef? sender, Action<TState> work, TState state)
    {
        var previousMessage = _currentMessage;
        var previousSender = _currentSender;
        _currentMessage = message;
        _currentSender = sender;
        try
        {
            work(state);
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            _currentMessage = previousMessage;
            _currentSender = previousSender;
        }
    }

    private static void ThrowIfUnsuccessful(Task task)
    {
        if (task.IsFaulted)
        {
            Rethrow(task.Exception!);
        }

        if (task.IsCanceled)
        {
            throw new TaskCanceledException(task);
        }
    }

    private static void Rethrow(AggregateException aggregate)
    {
        var inner = aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate;
        ExceptionDispatchInfo.Capture(inner).Throw();
    }

    /// <summary>Runs tasks on the actor: queued tasks become <see cref="ExecuteTask"/> system messages.</summary>
    private sealed class ActorTaskScheduler(ActorCell cell) : TaskScheduler
    {
        private bool _inlineAllowed;

        public void RunInline(Task task)
        {
            _inlineAllowed = true;
            try
            {
                task.RunSynchronously(this);
            }
            finally
            {
                _inlineAllowed = false;
            }
        }

        public void Execute(Task task) => TryExecuteTask(task);

        protected override void QueueTask(Task task) => cell.PostSystem(new ExecuteTask(task));

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
            _inlineAllowed && ReferenceEquals(ActorCell.Current, cell) && TryExecuteTask(task);

        protected override IEnumerable<Task>? GetScheduledTasks() => null;
    }
}
