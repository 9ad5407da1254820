/**
 * agents service message patterns. WARNING: renaming one breaks replicas of other versions in a
 * rolling deploy.
 */
export const AGENTS_PATTERNS = {
  list: 'agents.list',
  execute: 'agents.execute',
} as const;

/** Agent and task names as the registry declares them (the seed's names). */
export const AGENT_NAMES = {
  code: 'CodeAssistantAgent',
  file: 'FileAnalyzerAgent',
  scheduler: 'TaskSchedulerAgent',
} as const;

export const AGENT_TASKS = {
  analyzeCode: 'analyze_code',
  reviewCode: 'review_code',
  suggestRefactoring: 'suggest_refactoring',
  analyzeFile: 'analyze_file',
  scanDirectory: 'scan_directory',
  scheduleTask: 'schedule_task',
  listTasks: 'list_tasks',
  cancelTask: 'cancel_task',
  listRuns: 'list_runs',
} as const;
export type AgentTaskName = (typeof AGENT_TASKS)[keyof typeof AGENT_TASKS];

/**
 * BullMQ queue of scheduled agent runs. WARNING: never rename it in a running deployment; the job
 * schedulers stored under the old name would stop firing.
 */
export const AGENTS_QUEUES = { scheduled: 'agents-scheduled' } as const;
/** BullMQ key prefix of the agents' queues; a Redis Cluster hash tag like MEDIA_QUEUE_PREFIX (one slot per queue family). */
export const AGENTS_QUEUE_PREFIX = '{nitro:bull:agents}';

/**
 * An upload parked by the gateway for the agents service through a claim check (libs/transport
 * ClaimCheck), scoped by the owner's user id, so a user can only name their own uploads. The TTL is
 * the gateway's AGENTS_UPLOAD_TTL_S; AGENT_UPLOADS is the DI token in both services.
 */
export const AGENT_UPLOAD_CLAIMS_NAMESPACE = 'agent-upload';
export const AGENT_UPLOADS = 'AGENT_UPLOAD_CLAIMS';
