/** Cognito user-pool sign-in from the browser, against the endpoint config.json names (moto locally,
 * the regional endpoint in AWS). The SDK is loaded on first use so it stays out of the first page load. */
import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import { runtimeConfig } from "../runtimeConfig";
import type { Tokens } from "./session";

/** A failed Cognito call, with the i18n key of the message to show. */
export class AuthError extends Error {
  constructor(
    readonly messageKey: string,
    readonly cognitoName: string,
  ) {
    super(cognitoName);
    this.name = "AuthError";
  }
}

export type SignInResult =
  | { kind: "signedIn"; tokens: Tokens }
  | { kind: "newPasswordRequired"; username: string; challengeSession: string };

const MESSAGE_BY_EXCEPTION: Record<string, string> = {
  NotAuthorizedException: "auth.errors.notAuthorized",
  UserNotFoundException: "auth.errors.notAuthorized",
  PasswordResetRequiredException: "auth.errors.passwordResetRequired",
  UserNotConfirmedException: "auth.errors.notConfirmed",
  InvalidPasswordException: "auth.errors.invalidPassword",
  CodeMismatchException: "auth.errors.codeMismatch",
  ExpiredCodeException: "auth.errors.codeExpired",
  LimitExceededException: "auth.errors.tooManyAttempts",
  TooManyRequestsException: "auth.errors.tooManyAttempts",
  TooManyFailedAttemptsException: "auth.errors.tooManyAttempts",
  InvalidParameterException: "auth.errors.invalidParameter",
  CodeDeliveryFailureException: "auth.errors.codeNotDelivered",
};

export function authErrorFrom(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const name = error instanceof Error ? error.name : "UnknownError";
  if (name in MESSAGE_BY_EXCEPTION) return new AuthError(MESSAGE_BY_EXCEPTION[name], name);
  if (error instanceof TypeError) return new AuthError("errors.network", name); // fetch failed
  return new AuthError("auth.errors.unexpected", name);
}

async function cognito() {
  const sdk = await import("@aws-sdk/client-cognito-identity-provider");
  const config = runtimeConfig();
  const client = new sdk.CognitoIdentityProviderClient({
    region: config.region,
    ...(config.cognito_endpoint ? { endpoint: config.cognito_endpoint } : {}),
  });
  return { sdk, client, clientId: config.user_pool_client_id };
}

async function attempt<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw authErrorFrom(error);
  }
}

function tokensFrom(result: AuthenticationResultType | undefined, username: string, refreshToken?: string): Tokens {
  if (!result?.IdToken || !result.AccessToken) throw new AuthError("auth.errors.unexpected", "NoTokens");
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken ?? refreshToken ?? "",
    expiresAt: Date.now() + (result.ExpiresIn ?? 3600) * 1000,
    username,
  };
}

export function signIn(email: string, password: string): Promise<SignInResult> {
  return attempt(async () => {
    const { sdk, client, clientId } = await cognito();
    const answer = await client.send(
      new sdk.InitiateAuthCommand({
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    if (answer.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      return {
        kind: "newPasswordRequired",
        username: answer.ChallengeParameters?.USER_ID_FOR_SRP ?? email,
        challengeSession: answer.Session ?? "",
      };
    }
    if (answer.ChallengeName) throw new AuthError("auth.errors.unsupportedChallenge", answer.ChallengeName);
    return { kind: "signedIn", tokens: tokensFrom(answer.AuthenticationResult, email) };
  });
}

export function completeNewPassword(username: string, challengeSession: string, newPassword: string): Promise<Tokens> {
  return attempt(async () => {
    const { sdk, client, clientId } = await cognito();
    const answer = await client.send(
      new sdk.RespondToAuthChallengeCommand({
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        ClientId: clientId,
        Session: challengeSession,
        ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
      }),
    );
    return tokensFrom(answer.AuthenticationResult, username);
  });
}

export function refresh(tokens: Tokens): Promise<Tokens> {
  return attempt(async () => {
    const { sdk, client, clientId } = await cognito();
    const answer = await client.send(
      new sdk.InitiateAuthCommand({
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: tokens.refreshToken },
      }),
    );
    return tokensFrom(answer.AuthenticationResult, tokens.username, tokens.refreshToken);
  });
}

export function forgotPassword(email: string): Promise<void> {
  return attempt(async () => {
    const { sdk, client, clientId } = await cognito();
    await client.send(new sdk.ForgotPasswordCommand({ ClientId: clientId, Username: email }));
  });
}

export function confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void> {
  return attempt(async () => {
    const { sdk, client, clientId } = await cognito();
    await client.send(
      new sdk.ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: email,
        ConfirmationCode: code,
        Password: newPassword,
      }),
    );
  });
}
