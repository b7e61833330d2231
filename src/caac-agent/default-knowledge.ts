// The knowledge the embedded agent answers from when no --knowledge file is given. Kept as a
// TypeScript string, not a .md file, because tsc does not copy assets to dist/; the format is the
// one parseKnowledge() documents, so this text can be copied into a file and edited.

/** A small example knowledge file for a fictional shop. */
export const DEFAULT_KNOWLEDGE = `# Example shop: replace with your own (chat-agent-apis serve-agent --knowledge FILE)

## What products do you sell?
We sell home and kitchen products: cookware, storage, small appliances and tableware. Tell me what you are looking for and I will point you to the right range.

## What are your opening hours?
Our team is available Monday to Friday, 9:00 to 18:00 (local time). Messages sent outside these hours are answered the next working day.

## How long does shipping take?
Orders ship within 2 working days. Delivery usually takes 3 to 5 working days after shipping; you receive a tracking link by email.

## How much does shipping cost?
Shipping is free for orders over 1,500. Below that, a flat shipping fee of 100 applies.

## How do I return a product or get a refund?
You can return any unused product within 30 days of delivery. Start a return from your order page; the refund reaches your original payment method within 7 days of us receiving the product.

## Which payment methods do you accept?
We accept credit cards (Visa, Mastercard, JCB), LINE Pay and bank transfer.

## How can I track my order?
Use the tracking link in your shipping confirmation email, or open your order page and choose "Track order".

## Can I change or cancel my order?
You can change or cancel an order until it ships. Open your order page and choose "Change order" or "Cancel order".

## Do you have a warranty?
All products come with a one-year warranty against manufacturing defects. Keep your order number to make a claim.
`;
