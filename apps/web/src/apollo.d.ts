// Apollo Client 4's "modern" signatures type results by the options in force
// (the default errorPolicy `none`: `client.query` resolves with data or
// rejects), where the "classic" ones always add `| undefined` to `data`.
import '@apollo/client';

declare module '@apollo/client' {
  export interface TypeOverrides {
    signatureStyle: 'modern';
  }
}
