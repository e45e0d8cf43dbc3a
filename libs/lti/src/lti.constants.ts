/** LTI 1.3 claim names and service scopes. */
export const CLAIM = {
  MESSAGE_TYPE: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  VERSION: 'https://purl.imsglobal.org/spec/lti/claim/version',
  DEPLOYMENT_ID: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  TARGET_LINK_URI: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  RESOURCE_LINK: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  ROLES: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  CONTEXT: 'https://purl.imsglobal.org/spec/lti/claim/context',
  CUSTOM: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  LAUNCH_PRESENTATION: 'https://purl.imsglobal.org/spec/lti/claim/launch_presentation',
  TOOL_PLATFORM: 'https://purl.imsglobal.org/spec/lti/claim/tool_platform',
  LIS: 'https://purl.imsglobal.org/spec/lti/claim/lis',
  AGS: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  NRPS: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  DL_SETTINGS: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  DL_CONTENT_ITEMS: 'https://purl.imsglobal.org/spec/lti-dl/claim/content_items',
  DL_DATA: 'https://purl.imsglobal.org/spec/lti-dl/claim/data',
  DL_MSG: 'https://purl.imsglobal.org/spec/lti-dl/claim/msg',
  TOOL_CONFIGURATION: 'https://purl.imsglobal.org/spec/lti-tool-configuration',
  PLATFORM_CONFIGURATION: 'https://purl.imsglobal.org/spec/lti-platform-configuration',
} as const;

export const SCOPE = {
  LINEITEM: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  LINEITEM_READONLY: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  RESULT_READONLY: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  SCORE: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  NRPS: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
} as const;

export const MESSAGE_TYPES = ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'] as const;
export type LtiMessageType = (typeof MESSAGE_TYPES)[number];

/** Paths of the tool's LTI endpoints under the public URL. */
export const LTI_PATHS = {
  login: '/lti/login',
  launch: '/lti/launch',
  keys: '/lti/keys',
  register: '/lti/register',
  deepLink: '/lti/deeplink',
} as const;

/** How long a launch token (`lt`) opens pages after the launch. */
export const LAUNCH_TTL_MS = 8 * 3600_000;
/** How long a rotated-out tool public key stays in our JWKS (platforms cache JWKS for hours). */
export const KEY_ROTATION_GRACE_MS = 72 * 3600_000;
export const MAX_KEY_ROTATION_GRACE_MS = 30 * 24 * 3600_000;
/** Launch rows are kept this long after their token expired (then the clean-up job drops them,
 * unless an undelivered score still needs them). */
export const LAUNCH_RETENTION_MS = 14 * 24 * 3600_000;
/** How long a login may take before its launch arrives. */
export const LOGIN_TTL_MS = 10 * 60_000;
/** Clock skew tolerated on `iat` and `exp`. */
export const CLOCK_SKEW_SECONDS = 30;
/** Prefix of the per-login state cookie (one cookie per login, so tabs never collide). */
export const STATE_COOKIE_PREFIX = 'sn_lti_state_';

/** Job names. */
export const JOB = {
  AGS_SCORE: 'lti.ags-score',
  NRPS_SYNC: 'lti.nrps-sync',
  NRPS_SYNC_ALL: 'lti.nrps-sync-all',
  CLEANUP: 'lti.cleanup',
} as const;
