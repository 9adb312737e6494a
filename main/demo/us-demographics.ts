// US names and places for synthetic identities. Names are common US given names and surnames
// (frequent entries of the SSA baby-name and Census 2010 surname lists); places are real
// city/ZIP pairs, including ZIP3 areas with fewer than 20,000 people that HIPAA Safe Harbor
// (45 CFR 164.514(b)(2)(i)(B)) requires to be reduced to 000 (2010 Census list).

export const FEMALE_GIVEN_NAMES = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Lisa', 'Nancy', 'Betty', 'Margaret', 'Sandra', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle',
  'Carol', 'Amanda', 'Dorothy', 'Melissa', 'Deborah', 'Stephanie', 'Rebecca', 'Sharon', 'Laura', 'Cynthia',
  'Kathleen', 'Amy', 'Angela', 'Shirley', 'Anna', 'Brenda', 'Pamela', 'Emma', 'Nicole', 'Helen',
  'Samantha', 'Katherine', 'Christine', 'Debra', 'Rachel', 'Carolyn', 'Janet', 'Catherine', 'Maria', 'Heather',
  'Diane', 'Ruth', 'Julie', 'Olivia', 'Joyce', 'Virginia', 'Victoria', 'Kelly', 'Lauren', 'Christina',
  'Joan', 'Evelyn', 'Judith', 'Megan', 'Andrea', 'Cheryl', 'Hannah', 'Jacqueline', 'Martha', 'Gloria',
  'Teresa', 'Ann', 'Sara', 'Madison', 'Frances', 'Kathryn', 'Janice', 'Jean', 'Abigail', 'Alice',
  'Rosa', 'Guadalupe', 'Mei', 'Aaliyah', 'Priya', 'Fatima', 'Ngoc', 'Keisha', 'Ximena', 'Yuki',
];

export const MALE_GIVEN_NAMES = [
  'James', 'Robert', 'John', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Charles',
  'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Donald', 'Steven', 'Paul', 'Andrew', 'Joshua',
  'Kenneth', 'Kevin', 'Brian', 'George', 'Timothy', 'Ronald', 'Edward', 'Jason', 'Jeffrey', 'Ryan',
  'Jacob', 'Gary', 'Nicholas', 'Eric', 'Jonathan', 'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon',
  'Benjamin', 'Samuel', 'Gregory', 'Alexander', 'Frank', 'Patrick', 'Raymond', 'Jack', 'Dennis', 'Jerry',
  'Tyler', 'Aaron', 'Jose', 'Adam', 'Nathan', 'Henry', 'Douglas', 'Zachary', 'Peter', 'Kyle',
  'Ethan', 'Walter', 'Noah', 'Jeremy', 'Christian', 'Keith', 'Roger', 'Terry', 'Gerald', 'Harold',
  'Sean', 'Austin', 'Carl', 'Arthur', 'Lawrence', 'Dylan', 'Jesse', 'Jordan', 'Bryan', 'Billy',
  'Luis', 'Carlos', 'Wei', 'Darnell', 'Rahul', 'Mohammed', 'Minh', 'Jamal', 'Santiago', 'Hiroshi',
];

export const SURNAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper',
  'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
  'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez',
  "O'Brien", 'McDonald', 'Van Buren', 'Schmidt', 'Müller', 'Nowak', 'Kowalski', 'Chen', 'Wang', 'Singh',
];

export const STREET_NAMES = [
  'Main', 'Oak', 'Pine', 'Maple', 'Cedar', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Walnut', 'Spring',
  'North', 'Ridge', 'Church', 'Willow', 'Mill', 'Sunset', 'Jackson', 'Highland', 'Franklin', 'Madison',
];

export const STREET_SUFFIXES = ['St', 'Ave', 'Rd', 'Dr', 'Ln', 'Blvd', 'Ct', 'Way', 'Pl'];

/** A city with its state, a ZIP code in it, the telephone area code, and population weight. */
export interface Place {
  city: string;
  state: string;
  zip: string;
  areaCode: string;
  weight: number;
  /** The ZIP3 has fewer than 20,000 inhabitants (2010 Census): Safe Harbor must write 000. */
  restrictedZip3: boolean;
}

const place = (city: string, state: string, zip: string, areaCode: string, weight: number, restrictedZip3 = false): Place =>
  ({ city, state, zip, areaCode, weight, restrictedZip3 });

export const PLACES: readonly Place[] = [
  place('Boston', 'MA', '02115', '617', 10), place('Cambridge', 'MA', '02139', '617', 5),
  place('Worcester', 'MA', '01604', '508', 4), place('Manchester', 'NH', '03101', '603', 3),
  place('Burlington', 'VT', '05401', '802', 2), place('Buffalo', 'NY', '14201', '716', 5),
  place('Philadelphia', 'PA', '19104', '215', 9), place('Baltimore', 'MD', '21201', '410', 6),
  place('Richmond', 'VA', '23219', '804', 4), place('Raleigh', 'NC', '27601', '919', 5),
  place('Atlanta', 'GA', '30303', '404', 8), place('Miami', 'FL', '33130', '305', 8),
  place('Nashville', 'TN', '37203', '615', 5), place('Louisville', 'KY', '40202', '502', 4),
  place('Columbus', 'OH', '43215', '614', 6), place('Madison', 'WI', '53703', '608', 3),
  place('Minneapolis', 'MN', '55401', '612', 5), place('Chicago', 'IL', '60614', '312', 10),
  place('Springfield', 'IL', '62701', '217', 2), place('Kansas City', 'MO', '64106', '816', 4),
  place('Omaha', 'NE', '68102', '402', 3), place('Tulsa', 'OK', '74103', '918', 3),
  place('Austin', 'TX', '78701', '512', 7), place('Denver', 'CO', '80202', '303', 6),
  place('Albuquerque', 'NM', '87102', '505', 3), place('Salt Lake City', 'UT', '84101', '801', 3),
  place('Phoenix', 'AZ', '85004', '602', 7), place('San Diego', 'CA', '92101', '619', 7),
  place('Sacramento', 'CA', '95814', '916', 5), place('Portland', 'OR', '97205', '503', 5),
  place('Seattle', 'WA', '98101', '206', 7),
  place('Walpole', 'NH', '03608', '603', 0.4, true), place('Canaan', 'VT', '05903', '802', 0.3, true),
  place('New York', 'NY', '10249', '212', 0.3, true), place('Washington', 'DC', '20310', '202', 0.3, true),
  place('Butler', 'AL', '36904', '205', 0.3, true), place('Grand Marais', 'MN', '55604', '218', 0.3, true),
  place('Valentine', 'NE', '69201', '402', 0.3, true), place('Yellowstone National Park', 'WY', '82190', '307', 0.2, true),
  place('Rawlins', 'WY', '82301', '307', 0.3, true), place('Socorro', 'NM', '87801', '575', 0.3, true),
  place('Truth or Consequences', 'NM', '87901', '575', 0.3, true), place('Tucumcari', 'NM', '88401', '575', 0.3, true),
  place('Ely', 'NV', '89301', '775', 0.3, true),
];

export const PHYSICIAN_SURNAMES = [
  'Okafor', 'Lindqvist', 'Haddad', 'Brennan', 'Kowalczyk', 'Iyer', 'Fischer', 'Moreau', 'Tanaka', 'Oyelaran',
  'Castellanos', 'Weiss', 'Abernathy', 'Nakamura', 'Delgado', 'Hoffmann', 'Rasmussen', 'Chowdhury',
];

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com'];
