import type { ConfigHolder, MailMessage, PortalServer } from '@portalkit/server';

export declare const DEMO_CONFIG_FILE: string;
export declare const DEMO_PAGES_DIR: string;
export declare const CDN_DIR: string;
export declare const DEMO_ACCOUNTS: readonly { readonly id: string; readonly name: string }[];
export interface DemoContact {
  readonly email: string;
  readonly username: string;
  readonly firstname: string;
  readonly lastname: string;
  readonly accountId?: string;
  readonly roles: readonly string[];
  readonly password: string;
}
export declare const DEMO_CONTACTS: readonly DemoContact[];
export declare const DEMO_PAGES: readonly { readonly path: string; readonly title: string }[];
export declare function cdnBuilt(): Promise<boolean>;
export interface DemoPortal {
  readonly server: PortalServer;
  readonly url: string;
  readonly config: ConfigHolder;
  readonly siteName: string;
  readonly seeded: { readonly created: number };
  readonly data: { readonly incidents: number; readonly notes: number };
  close(): Promise<void>;
}
export declare function startDemoPortal(options: {
  dataDir: string;
  port?: number;
  host?: string;
  cdnDir?: string;
  logger?: boolean;
  echoMail?: (message: MailMessage) => void;
}): Promise<DemoPortal>;
