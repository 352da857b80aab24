"""Frequency tables for generating realistic Brazilian clients.

Name weights follow the relative frequencies of the IBGE 2010 census (in
thousands of people, rounded); city weights follow 2022 census populations (in
thousands). They only need to be realistic in shape, not exact.
"""

from clientes.cep import UF_CEP_RANGES as CEP_RANGES

FEMALE_FIRST_NAMES = {
    "Maria": 11700, "Ana": 3100, "Francisca": 725, "Antônia": 588, "Adriana": 565,
    "Juliana": 562, "Márcia": 551, "Fernanda": 531, "Patrícia": 529, "Aline": 509,
    "Sandra": 480, "Camila": 469, "Amanda": 465, "Bruna": 460, "Jéssica": 456,
    "Letícia": 434, "Júlia": 430, "Luciana": 429, "Vanessa": 417, "Mariana": 381,
    "Gabriela": 380, "Vera": 357, "Vitória": 350, "Larissa": 345, "Cláudia": 342,
    "Beatriz": 337, "Luana": 310, "Rita": 304, "Sônia": 300, "Renata": 296,
    "Eliane": 290, "Josefa": 280, "Simone": 270, "Natália": 260, "Cristina": 250,
    "Carla": 245, "Débora": 240, "Rosângela": 235, "Jaqueline": 230, "Rosa": 228,
    "Daniela": 225, "Aparecida": 220, "Marlene": 215, "Terezinha": 210, "Raimunda": 205,
    "Andréia": 200, "Fabiana": 198, "Lúcia": 195, "Raquel": 190, "Ângela": 185,
    "Rafaela": 180, "Joana": 175, "Luzia": 170, "Elaine": 165, "Daniele": 160,
    "Regina": 155, "Sueli": 150, "Alessandra": 145, "Conceição": 140, "Tatiane": 135,
    "Isabela": 130, "Heloísa": 120, "Lívia": 110, "Yasmin": 105, "Thaís": 100,
    "Priscila": 98, "Kátia": 90, "Gisele": 85, "Valéria": 85, "Michele": 80,
}  # fmt: skip

MALE_FIRST_NAMES = {
    "José": 5700, "João": 3000, "Antônio": 2600, "Francisco": 1550, "Carlos": 1500,
    "Paulo": 1400, "Pedro": 1200, "Lucas": 1130, "Luiz": 1100, "Marcos": 1100,
    "Luis": 930, "Gabriel": 930, "Rafael": 820, "Daniel": 710, "Marcelo": 690,
    "Bruno": 660, "Eduardo": 630, "Felipe": 620, "Raimundo": 610, "Rodrigo": 600,
    "Manoel": 580, "Mateus": 550, "André": 550, "Fernando": 530, "Fábio": 520,
    "Leonardo": 500, "Gustavo": 490, "Guilherme": 490, "Leandro": 470, "Tiago": 460,
    "Anderson": 440, "Ricardo": 440, "Márcio": 430, "Jorge": 430, "Sebastião": 420,
    "Alexandre": 420, "Roberto": 420, "Edson": 400, "Diego": 390, "Vitor": 380,
    "Sérgio": 370, "Cláudio": 370, "Matheus": 360, "Thiago": 350, "Geraldo": 350,
    "Adriano": 340, "Luciano": 340, "Júlio": 330, "Renato": 330, "Alex": 330,
    "Vinícius": 320, "Rogério": 310, "Samuel": 310, "Ronaldo": 300, "Mário": 290,
    "Flávio": 290, "Douglas": 280, "Igor": 270, "Davi": 260, "Manuel": 250,
    "Jefferson": 250, "Cícero": 240, "Luís": 200, "Otávio": 150, "Caio": 140,
    "Heitor": 120, "Arthur": 180, "Enzo": 110, "Murilo": 120, "Wellington": 150,
}  # fmt: skip

# Second given names that form common compound names ("Maria José", "João Pedro").
FEMALE_SECOND_NAMES = {
    "José": 300, "das Graças": 350, "de Fátima": 400, "Aparecida": 450, "Eduarda": 200,
    "Clara": 180, "Paula": 250, "Carolina": 220, "Luiza": 220, "Cristina": 180,
    "Beatriz": 120, "Helena": 120, "Vitória": 110, "Alice": 100, "de Lourdes": 150,
}  # fmt: skip
MALE_SECOND_NAMES = {
    "Carlos": 400, "Pedro": 300, "Paulo": 300, "Eduardo": 250, "Henrique": 300,
    "Vitor": 220, "Fernando": 200, "Antônio": 200, "Gabriel": 150, "Lucas": 150,
    "Miguel": 150, "Augusto": 120, "Roberto": 120, "Ricardo": 100, "Francisco": 100,
}  # fmt: skip

SURNAMES = {
    "Silva": 34000, "Santos": 22000, "Oliveira": 12000, "Souza": 10000, "Rodrigues": 6800,
    "Ferreira": 6200, "Alves": 6000, "Pereira": 5900, "Lima": 5300, "Gomes": 5100,
    "Costa": 4400, "Ribeiro": 4200, "Martins": 3700, "Carvalho": 3500, "Almeida": 3300,
    "Lopes": 3000, "Soares": 2900, "Fernandes": 2800, "Vieira": 2700, "Barbosa": 2600,
    "Rocha": 2500, "Dias": 2400, "Nascimento": 2300, "Andrade": 2200, "Moreira": 2100,
    "Nunes": 2000, "Marques": 1900, "Machado": 1800, "Mendes": 1750, "Freitas": 1700,
    "Cardoso": 1650, "Ramos": 1600, "Gonçalves": 1550, "Santana": 1500, "Teixeira": 1450,
    "Araújo": 1400, "Jesus": 1500, "Pinto": 1300, "Correia": 1200, "Sousa": 1200,
    "Conceição": 1100, "Moraes": 1000, "Castro": 950, "Campos": 900, "Melo": 900,
    "Monteiro": 850, "Batista": 850, "Cunha": 800, "Barros": 800, "Pires": 750,
    "Reis": 750, "Cavalcanti": 700, "Farias": 600, "Azevedo": 600, "Borges": 600,
    "Bezerra": 600, "Cruz": 600, "Moura": 600, "Duarte": 550, "Miranda": 550,
    "Macedo": 500, "Brito": 500, "Medeiros": 500, "Rezende": 450, "Leite": 450,
    "Xavier": 400, "Siqueira": 400, "Queiroz": 400, "Matos": 400, "Nogueira": 400,
    "Tavares": 400, "Coelho": 400, "Magalhães": 350, "Guimarães": 350, "Assis": 300,
    "Fonseca": 300, "Figueiredo": 300, "Sampaio": 250, "Paiva": 250, "Antunes": 200,
    "Brandão": 200, "Peixoto": 200, "Aragão": 100, "Damasceno": 100, "Falcão": 100,
    "Fontes": 100, "D'Ávila": 60, "Calixto": 50, "Anjos": 300, "Prado": 250,
}  # fmt: skip

# Particle that may precede a surname ("Maria da Silva", "João dos Santos").
SURNAME_PARTICLES = {
    "Silva": "da", "Costa": "da", "Conceição": "da", "Cruz": "da", "Rocha": "da",
    "Santos": "dos", "Reis": "dos", "Anjos": "dos",
    "Oliveira": "de", "Souza": "de", "Sousa": "de", "Jesus": "de", "Almeida": "de",
    "Assis": "de", "Moraes": "de", "Andrade": "de", "Paiva": "de", "Araújo": "de",
}  # fmt: skip

# (city, UF, population in thousands)
CITIES = [
    ("São Paulo", "SP", 11450), ("Rio de Janeiro", "RJ", 6211), ("Brasília", "DF", 2817),
    ("Fortaleza", "CE", 2428), ("Salvador", "BA", 2418), ("Belo Horizonte", "MG", 2316),
    ("Manaus", "AM", 2063), ("Curitiba", "PR", 1773), ("Recife", "PE", 1488),
    ("Goiânia", "GO", 1437), ("Porto Alegre", "RS", 1332), ("Belém", "PA", 1303),
    ("Guarulhos", "SP", 1291), ("Campinas", "SP", 1139), ("São Luís", "MA", 1037),
    ("Maceió", "AL", 957), ("Campo Grande", "MS", 898), ("São Gonçalo", "RJ", 896),
    ("Teresina", "PI", 866), ("João Pessoa", "PB", 833), ("São Bernardo do Campo", "SP", 810),
    ("Duque de Caxias", "RJ", 808), ("Nova Iguaçu", "RJ", 785), ("Natal", "RN", 751),
    ("Santo André", "SP", 748), ("Osasco", "SP", 728), ("Sorocaba", "SP", 723),
    ("Uberlândia", "MG", 713), ("Ribeirão Preto", "SP", 698), ("São José dos Campos", "SP", 697),
    ("Cuiabá", "MT", 650), ("Jaboatão dos Guararapes", "PE", 643), ("Contagem", "MG", 621),
    ("Joinville", "SC", 616), ("Feira de Santana", "BA", 616), ("Aracaju", "SE", 602),
    ("Londrina", "PR", 555), ("Juiz de Fora", "MG", 540), ("Florianópolis", "SC", 537),
    ("Aparecida de Goiânia", "GO", 527), ("Serra", "ES", 520), ("Campos dos Goytacazes", "RJ", 483),
    ("Belford Roxo", "RJ", 483), ("Niterói", "RJ", 481), ("São José do Rio Preto", "SP", 480),
    ("Ananindeua", "PA", 478), ("Vila Velha", "ES", 467), ("Caxias do Sul", "RS", 463),
    ("Porto Velho", "RO", 460), ("Mogi das Cruzes", "SP", 451), ("Jundiaí", "SP", 443),
    ("Macapá", "AP", 442), ("São João de Meriti", "RJ", 440), ("Piracicaba", "SP", 423),
    ("Campina Grande", "PB", 419), ("Santos", "SP", 418), ("Mauá", "SP", 418),
    ("Montes Claros", "MG", 414), ("Boa Vista", "RR", 413), ("Betim", "MG", 411),
    ("Maringá", "PR", 409), ("Anápolis", "GO", 398), ("Diadema", "SP", 393),
    ("Carapicuíba", "SP", 386), ("Petrolina", "PE", 386), ("Bauru", "SP", 379),
    ("Caruaru", "PE", 378), ("Vitória da Conquista", "BA", 370), ("Itaquaquecetuba", "SP", 369),
    ("Rio Branco", "AC", 364), ("Blumenau", "SC", 361), ("Ponta Grossa", "PR", 358),
    ("Caucaia", "CE", 355), ("Cariacica", "ES", 353), ("Franca", "SP", 352),
    ("Olinda", "PE", 349), ("Praia Grande", "SP", 349), ("Cascavel", "PR", 348),
    ("Canoas", "RS", 347), ("Paulista", "PE", 342), ("Uberaba", "MG", 337),
    ("Santarém", "PA", 331), ("São Vicente", "SP", 329), ("Ribeirão das Neves", "MG", 329),
    ("São José dos Pinhais", "PR", 329), ("Pelotas", "RS", 325), ("Vitória", "ES", 322),
    ("Barueri", "SP", 316), ("Taubaté", "SP", 310), ("Suzano", "SP", 307), ("Palmas", "TO", 302),
    ("Camaçari", "BA", 300), ("Várzea Grande", "MT", 300), ("Limeira", "SP", 291),
    ("Guarujá", "SP", 287), ("Juazeiro do Norte", "CE", 286), ("Foz do Iguaçu", "PR", 285),
    ("Sumaré", "SP", 279), ("Petrópolis", "RJ", 278), ("Imperatriz", "MA", 273),
    ("Santa Maria", "RS", 271), ("Parauapebas", "PA", 267), ("Marabá", "PA", 266),
    ("Gravataí", "RS", 265), ("Mossoró", "RN", 264), ("Itajaí", "SC", 264),
    ("Volta Redonda", "RJ", 261), ("Governador Valadares", "MG", 257), ("Indaiatuba", "SP", 255),
    ("Chapecó", "SC", 254), ("São Carlos", "SP", 254), ("Parnamirim", "RN", 252),
    ("Macaé", "RJ", 246), ("Rondonópolis", "MT", 244), ("Dourados", "MS", 243),
    ("Araraquara", "SP", 242), ("Jacareí", "SP", 240), ("Juazeiro", "BA", 237),
    ("Marília", "SP", 237), ("Americana", "SP", 237), ("Hortolândia", "SP", 236),
    ("Arapiraca", "AL", 234), ("Divinópolis", "MG", 231), ("Sete Lagoas", "MG", 227),
    ("Ipatinga", "MG", 227), ("Novo Hamburgo", "RS", 227), ("Presidente Prudente", "SP", 225),
    ("Águas Lindas de Goiás", "GO", 225), ("Rio Verde", "GO", 225), ("Viamão", "RS", 224),
    ("Cabo Frio", "RJ", 222), ("Palhoça", "SC", 222), ("Santa Luzia", "MG", 219),
    ("São Leopoldo", "RS", 217), ("Criciúma", "SC", 214), ("Luziânia", "GO", 209),
    ("Passo Fundo", "RS", 206), ("Lauro de Freitas", "BA", 203), ("Sobral", "CE", 203),
    ("Valparaíso de Goiás", "GO", 198), ("Sinop", "MT", 196), ("Castanhal", "PA", 192),
    ("Nossa Senhora do Socorro", "SE", 192), ("Rio Grande", "RS", 191), ("Alvorada", "RS", 187),
    ("Itabuna", "BA", 186), ("Guarapuava", "PR", 183), ("Ilhéus", "BA", 178),
    ("Timon", "MA", 174), ("Araguaína", "TO", 171), ("Itu", "SP", 168), ("Lages", "SC", 164),
    ("Poços de Caldas", "MG", 163), ("Parnaíba", "PI", 162), ("Abaetetuba", "PA", 158),
    ("Caxias", "MA", 156), ("Toledo", "PR", 150), ("Santa Rita", "PB", 149),
    ("Paranaguá", "PR", 145), ("Garanhuns", "PE", 142), ("Balneário Camboriú", "SC", 139),
    ("Teófilo Otoni", "MG", 137), ("Três Lagoas", "MS", 132), ("Crato", "CE", 131),
    ("Ji-Paraná", "RO", 124), ("Codó", "MA", 114), ("Itacoatiara", "AM", 103),
    ("Patos", "PB", 103), ("Parintins", "AM", 96), ("Cruzeiro do Sul", "AC", 91),
    ("Picos", "PI", 83), ("Lagarto", "SE", 105), ("Gurupi", "TO", 85), ("Ariquemes", "RO", 96),
    ("Santana", "AP", 107), ("Rorainópolis", "RR", 31), ("Estância", "SE", 64),
]  # fmt: skip

# CEP prefix ranges and DDDs of each UF; the first DDD is the capital's.
UF_CEP_RANGES = CEP_RANGES  # one table: clientes.cep
UF_DDDS = {
    "SP": [11, 12, 13, 14, 15, 16, 17, 18, 19], "RJ": [21, 22, 24], "ES": [27, 28],
    "MG": [31, 32, 33, 34, 35, 37, 38], "BA": [71, 73, 74, 75, 77], "SE": [79],
    "PE": [81, 87], "AL": [82], "PB": [83], "RN": [84], "CE": [85, 88], "PI": [86, 89],
    "MA": [98, 99], "PA": [91, 93, 94], "AP": [96], "AM": [92, 97], "RR": [95], "AC": [68],
    "DF": [61], "GO": [62, 64], "RO": [69], "TO": [63], "MT": [65, 66], "MS": [67],
    "PR": [41, 42, 43, 44, 45, 46], "SC": [48, 47, 49], "RS": [51, 53, 54, 55],
}  # fmt: skip

STREET_TYPES = {"Rua": 70, "Avenida": 18, "Travessa": 6, "Alameda": 3, "Praça": 3}
STREET_NAMES = [
    "das Flores", "São João", "Sete de Setembro", "XV de Novembro", "Tiradentes",
    "Dom Pedro II", "Getúlio Vargas", "Santos Dumont", "Marechal Deodoro", "Rui Barbosa",
    "Barão do Rio Branco", "José Bonifácio", "Castro Alves", "Duque de Caxias",
    "Presidente Vargas", "Brasil", "Paraná", "Bahia", "da Paz", "das Palmeiras", "dos Ipês",
    "Boa Vista", "Amazonas", "Floriano Peixoto", "Benjamin Constant", "Visconde de Mauá",
    "Princesa Isabel", "Monteiro Lobato", "Carlos Gomes", "Machado de Assis", "Oswaldo Cruz",
    "da Independência", "Paulista", "Treze de Maio", "Vinte e Cinco de Março",
    "Anita Garibaldi", "Coronel Fernandes", "Padre Anchieta", "São Sebastião", "Santa Rita",
]  # fmt: skip
NEIGHBOURHOODS = [
    "Centro", "Jardim América", "Vila Nova", "Boa Vista", "Santa Cruz", "São José",
    "Jardim Primavera", "Vila São Paulo", "Bela Vista", "Liberdade", "Cidade Nova",
    "Jardim das Flores", "Parque Industrial", "Santo Antônio", "Nossa Senhora Aparecida",
    "Vila Maria", "Jardim Europa", "Planalto", "Alto da Boa Vista", "Jardim Paulista",
]  # fmt: skip
COMPLEMENTS = {
    "": 70,
    "Apto 101": 5,
    "Apto 32": 5,
    "Casa 2": 5,
    "Bloco B": 3,
    "Fundos": 4,
    "Sala 5": 3,
}

EMAIL_DOMAINS = {
    "gmail.com": 55, "hotmail.com": 18, "outlook.com": 8, "yahoo.com.br": 7,
    "uol.com.br": 4, "bol.com.br": 3, "terra.com.br": 2, "icloud.com": 3,
}  # fmt: skip

# Share of clients per age band (years, inclusive).
AGE_BANDS = [((18, 29), 24), ((30, 44), 30), ((45, 59), 24), ((60, 74), 15), ((75, 95), 7)]
