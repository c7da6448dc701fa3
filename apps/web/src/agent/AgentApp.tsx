import { Route, Routes, useMatch } from 'react-router';
import { StaffGate } from '../staff/StaffGate';
import { MantineArea } from '../components/MantineArea';
import { StaffLayout } from '../staff/StaffLayout';
import { Inbox } from './Inbox';
import { ConversationPane } from './ConversationPane';
import { TicketsPage } from './TicketsPage';
import { TicketPage } from './TicketPage';
import { SavedRepliesPage } from './SavedRepliesPage';
import { AcceptInvitePage } from './AcceptInvitePage';
import { ResetPasswordPage } from './ResetPasswordPage';
import { Empty } from '../components/States';
import { TeamPresence, TeamPresenceProvider } from './TeamPresence';

export default function AgentApp() {
  return (
    <MantineArea>
      <Routes>
        <Route path="accept-invite" element={<AcceptInvitePage />} />
        <Route path="reset-password" element={<ResetPasswordPage />} />
        <Route
          path="*"
          element={
            <StaffGate area="agent console">
              <TeamPresenceProvider>
                <AgentRoutes />
              </TeamPresenceProvider>
            </StaffGate>
          }
        />
      </Routes>
    </MantineArea>
  );
}

function AgentRoutes() {
  return (
    <Routes>
      <Route
        path="tickets"
        element={
          <StaffLayout title="Tickets">
            <TicketsPage />
          </StaffLayout>
        }
      />
      <Route
        path="tickets/:ticketId"
        element={
          <StaffLayout title="Ticket">
            <TicketPage />
          </StaffLayout>
        }
      />
      <Route
        path="replies"
        element={
          <StaffLayout title="Saved replies">
            <SavedRepliesPage />
          </StaffLayout>
        }
      />
      {/* One route for the inbox with or without a conversation, so switching keeps the inbox mounted. */}
      <Route path="*" element={<Console />} />
    </Routes>
  );
}

/** Inbox, conversation and assistant side by side; the inbox keeps its state while conversations change. */
function Console() {
  const match = useMatch('/agent/c/:conversationId');
  const selectedId = match?.params.conversationId ?? null;
  return (
    <StaffLayout title="Agent console">
      <div className="sb-console" data-has-selection={selectedId ? 'true' : 'false'}>
        <section className="sb-col sb-inbox" aria-label="Inbox">
          <Inbox selectedId={selectedId} />
          <TeamPresence />
        </section>
        {selectedId ? (
          <ConversationPane key={selectedId} conversationId={selectedId} />
        ) : (
          <section className="sb-col sb-convo" aria-label="Conversation">
            <Empty title="No conversation selected">Pick one from the inbox. New conversations appear there as they arrive.</Empty>
          </section>
        )}
      </div>
    </StaffLayout>
  );
}
